"""The main job, ``cvpath tailor``: submit a CV and a job, run the state machine, write the package."""
