"""Who may open the working-group meetings pages under /incontri/."""

from functools import wraps

from partners.access import is_coordinator, private, require_referent


def require_meeting_access(view):
    """Let through the coordinator and current referents; 403 for everybody else.

    The coordinator works for no organisation (`request.organization` is None) and sees
    every meeting. A referent goes through the partner area's own check, so
    `request.organization` is the organisation chosen in the session (with the chooser
    when there are several and no choice yet); anonymous visitors go to the login page.
    """
    referent_view = require_referent(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_coordinator(request.user):
            request.organization = None
            request.referent_organizations = []
            return private(view(request, *args, **kwargs))
        return referent_view(request, *args, **kwargs)

    return wrapper
