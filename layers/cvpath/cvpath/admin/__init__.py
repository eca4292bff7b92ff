"""The admin control plane's library: the audit trail and the operations behind /api/admin/*."""
