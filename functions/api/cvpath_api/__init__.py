"""The public app API (guests, accounts, CVs, applications, runs, artifacts): FastAPI + Mangum in issue 9."""
