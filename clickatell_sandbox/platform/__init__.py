"""The Clickatell Platform's One API (`/v1/...`): SMS setups with their own API keys.

`codes` holds its tables and every assumption, `service` its rules, `views` its routes.
"""
