"""Lambda handlers of the six agents: event -> cvpath.agents -> small result."""
