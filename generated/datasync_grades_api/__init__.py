"""A client library for accessing DataSync Grades Exchange API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
