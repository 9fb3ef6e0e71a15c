"""Fixture site: no_bibliography (see tests/plugin/test_sites.py)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from faq_citations_settings import *  # noqa: E402,F401,F403
