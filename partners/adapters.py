"""Hooks into django-allauth."""


def user_display(user) -> str:
    """People are known by their e-mail address: usernames are internal and never shown."""
    return user.email or user.get_username()
