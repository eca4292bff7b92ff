"""Provider clients, one module per wire format; imported lazily through ``cvpath.llm.registry``."""
