"""Signing in for app tests: AppTest sessions with a user already in `st.session_state`,
and the demo users every role-based test uses (the demo seeds' LPs)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from fundlens import PROJECT_DIR
from fundlens.users import User

APP_DIR = PROJECT_DIR / "app"
ENTRY = str(APP_DIR / "streamlit_app.py")
USER_KEY = "fundlens_user"  # ui.USER_KEY

OPERATOR = User("olivia", "operator")
ANALYST = User("arjun", "analyst")
LP_F001_ONLY = User("lp-gulf", "lp", "LP006")  # committed to F001 only
LP_F002_ONLY = User("lp-ada", "lp", "LP011")  # committed to F002 only
LP_BOTH = User("lp-northern", "lp", "LP001")  # committed to F001 and F002


def app_as(user: User | None, page: str | None = None, check: bool = True) -> AppTest:
    """Run the app signed in as `user` (None: a signed-out visitor), then open `page`
    (a path under app/, e.g. "views/performance.py")."""
    at = AppTest.from_file(ENTRY, default_timeout=60)
    if user is not None:
        at.session_state[USER_KEY] = user
    at.run()
    if page is not None:
        at.switch_page(page).run()
    if check:
        assert not at.exception, [e.message for e in at.exception]
    return at
