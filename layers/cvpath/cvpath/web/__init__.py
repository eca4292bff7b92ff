"""What the FastAPI apps (public API, admin API) share: the common error body and request dependencies.

Only the API functions import this package: they ship FastAPI in their own
requirements, the layer does not.
"""
