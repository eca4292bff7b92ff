"""The public API's routers, one module per area."""
