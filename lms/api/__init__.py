"""The JSON API under ``/api/v1``: API keys with scopes, one module per resource, and an OpenAPI
document built from the route registry (``lms.api.registry``) and the pydantic models."""
