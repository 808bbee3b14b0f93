from __future__ import annotations

import pytest

from privdesk.services.hub import Services
from tests.intake_service.support import add_demo_organizations


@pytest.fixture
def inbox(services: Services) -> Services:
    """Services over a fresh database holding the three demo organizations (no cases)."""
    add_demo_organizations(services)
    return services
