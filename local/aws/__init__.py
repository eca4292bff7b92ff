"""The no-Docker AWS runtime: template.yaml read as data, moto as the cloud, handlers run in process.

``template`` reads the SAM template (the single source of truth for the topology),
``lambda_seam`` is the one place that touches moto internals, ``cloud`` builds the
moto stack from the template, ``executions`` runs one state machine execution and
``history`` turns its event history into per-state results and console-like lines.
"""
