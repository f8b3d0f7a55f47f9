from enum import StrEnum


class ErrorCode(StrEnum):
    ARTIFACT_NOT_AVAILABLE = "artifact_not_available"
    CONSUMER_NOT_CONFIGURED = "consumer_not_configured"
    EXCHANGE_CLOSED = "exchange_closed"
    INSUFFICIENT_SCOPE = "insufficient_scope"
    INVALID_PARAMETER = "invalid_parameter"
    INVALID_REQUEST = "invalid_request"
    INVALID_TOKEN = "invalid_token"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_FOUND = "not_found"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    RATE_LIMITED = "rate_limited"
    RUN_IN_PROGRESS = "run_in_progress"
    SCHEDULE_DISABLED = "schedule_disabled"
    SERVICE_UNAVAILABLE = "service_unavailable"
    UNAUTHORIZED = "unauthorized"

    def __str__(self) -> str:
        return str(self.value)
