"""Between stored request items and the pure lifecycle rules of ``privdesk.domain.workflow``."""

from __future__ import annotations

from typing import cast

from privdesk.domain import workflow
from privdesk.domain.types import DenialReason, ItemStatus, Outcome, RequestType, VerificationLevel
from privdesk.store.models import Case, RequestItem


def state_of(item: RequestItem, case: Case) -> workflow.ItemState:
    return workflow.ItemState(
        request_type=RequestType(item.request_type),
        received_on=case.received_on,
        status=ItemStatus(item.status),
        acknowledge_by=item.acknowledge_by,
        respond_by=item.respond_by,
        extension_notice_by=item.extension_notice_by,
        extended_respond_by=item.extended_respond_by,
        acknowledged_on=item.acknowledged_on,
        acknowledgement_method=cast(workflow.AcknowledgementMethod | None, item.acknowledge_method),
        extended=item.extended_on is not None,
        extended_on=item.extended_on,
        extension_reason=item.extension_reason or "",
        verification_level_required=VerificationLevel(
            item.verification_level or VerificationLevel.REASONABLE
        ),
        verification_result=cast(workflow.VerificationResult | None, item.verification_result),
        effective_type=RequestType(item.effective_type) if item.effective_type else None,
        agent_case=case.agent_id is not None,
        authorization_holds=case.authorization_holds,
        outcome=Outcome(item.outcome) if item.outcome else None,
        denial_reasons=tuple(DenialReason(r) for r in item.denial_reasons),
        denial_explanation=item.denial_text or "",
        disclosed_specific_pieces=item.disclosed_specific_pieces,
        redirected_to=item.redirected_to or "",
        processed_on=item.processed_on,
        responded_on=item.responded_on,
        closed_on=item.closed_on,
        withdrawn_on=item.withdrawn_on,
    )


def write_back(item: RequestItem, state: workflow.ItemState) -> dict[str, object]:
    """Store the new state; return the fields that changed (before values) for the audit trail."""
    values: dict[str, object] = {
        "status": state.status.value,
        "acknowledged_on": state.acknowledged_on,
        "acknowledge_method": state.acknowledgement_method,
        "extended_on": state.extended_on,
        "extension_reason": state.extension_reason or None,
        "verification_result": state.verification_result,
        "effective_type": state.effective_type.value if state.effective_type else None,
        "outcome": state.outcome.value if state.outcome else None,
        "denial_reasons": [r.value for r in state.denial_reasons],
        "denial_text": state.denial_explanation or None,
        "disclosed_specific_pieces": state.disclosed_specific_pieces,
        "redirected_to": state.redirected_to or None,
        "processed_on": state.processed_on,
        "responded_on": state.responded_on,
        "closed_on": state.closed_on,
        "withdrawn_on": state.withdrawn_on,
    }
    before: dict[str, object] = {}
    for key, value in values.items():
        old = getattr(item, key)
        if old != value:
            before[key] = old
            setattr(item, key, value)
    return before
