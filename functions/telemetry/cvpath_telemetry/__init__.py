"""Telemetry functions: HTTP ingest (-> SQS, 202), the SQS consumer (batch -> Postgres), hourly aggregation.

Stubs until issue 8: the template wires them (routes, queue, schedule) so the
topology is complete and testable now.
"""
