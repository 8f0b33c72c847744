"""The JSON API for practice-management systems, at /api/v1, authenticated by API tokens."""
