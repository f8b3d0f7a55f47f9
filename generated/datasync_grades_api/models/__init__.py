"""Contains all the data models used in inputs/outputs"""

from .assignment import Assignment
from .assignment_score import AssignmentScore
from .batch_exchange import BatchExchange
from .batch_exchange_context_data import BatchExchangeContextData
from .batch_exchange_context_data_request import BatchExchangeContextDataRequest
from .batch_exchange_context_data_response import BatchExchangeContextDataResponse
from .batch_exchange_error import BatchExchangeError
from .batch_exchange_error_create import BatchExchangeErrorCreate
from .batch_exchange_error_response import BatchExchangeErrorResponse
from .batch_exchanges_response import BatchExchangesResponse
from .consumer import Consumer
from .consumer_response import ConsumerResponse
from .error_code import ErrorCode
from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .exchange import Exchange
from .exchange_condition import ExchangeCondition
from .exchange_created_response import ExchangeCreatedResponse
from .exchange_data_request import ExchangeDataRequest
from .exchange_data_response import ExchangeDataResponse
from .exchange_error import ExchangeError
from .exchange_error_code import ExchangeErrorCode
from .exchange_error_create import ExchangeErrorCreate
from .exchange_error_response import ExchangeErrorResponse
from .exchange_errors_response import ExchangeErrorsResponse
from .exchange_query import ExchangeQuery
from .exchange_response import ExchangeResponse
from .exchange_state import ExchangeState
from .exchanges_request import ExchangesRequest
from .exchanges_response import ExchangesResponse
from .extensions import Extensions
from .metadata import Metadata
from .named_ref import NamedRef
from .paging import Paging
from .posted_by import PostedBy
from .query_type import QueryType
from .ref import Ref
from .resource import Resource
from .run_schedule_body import RunScheduleBody
from .schedule import Schedule
from .schedule_response import ScheduleResponse
from .schedule_update import ScheduleUpdate
from .schedules_response import SchedulesResponse
from .scope import Scope
from .scope_by import ScopeBy
from .score_type import ScoreType
from .section_resolution import SectionResolution
from .section_resolution_response import SectionResolutionResponse
from .summary import Summary
from .summary_type import SummaryType
from .sys_fields import SysFields
from .sys_fields_app_id import SysFieldsAppId
from .sys_fields_source_id import SysFieldsSourceId

__all__ = (
    "Assignment",
    "AssignmentScore",
    "BatchExchange",
    "BatchExchangeContextData",
    "BatchExchangeContextDataRequest",
    "BatchExchangeContextDataResponse",
    "BatchExchangeError",
    "BatchExchangeErrorCreate",
    "BatchExchangeErrorResponse",
    "BatchExchangesResponse",
    "Consumer",
    "ConsumerResponse",
    "ErrorCode",
    "ErrorDetail",
    "ErrorResponse",
    "Exchange",
    "ExchangeCondition",
    "ExchangeCreatedResponse",
    "ExchangeDataRequest",
    "ExchangeDataResponse",
    "ExchangeError",
    "ExchangeErrorCode",
    "ExchangeErrorCreate",
    "ExchangeErrorResponse",
    "ExchangeErrorsResponse",
    "ExchangeQuery",
    "ExchangeResponse",
    "ExchangesRequest",
    "ExchangesResponse",
    "ExchangeState",
    "Extensions",
    "Metadata",
    "NamedRef",
    "Paging",
    "PostedBy",
    "QueryType",
    "Ref",
    "Resource",
    "RunScheduleBody",
    "Schedule",
    "ScheduleResponse",
    "SchedulesResponse",
    "ScheduleUpdate",
    "Scope",
    "ScopeBy",
    "ScoreType",
    "SectionResolution",
    "SectionResolutionResponse",
    "Summary",
    "SummaryType",
    "SysFields",
    "SysFieldsAppId",
    "SysFieldsSourceId",
)
