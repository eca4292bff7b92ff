"""The pipeline's own Lambda functions: run lifecycle states, migrations, schedules."""
