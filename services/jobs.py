"""The catalogue's periodic jobs (see background.periodic): places and minimums."""

from datetime import timedelta

from background.periodic import periodic_job
from services import actions


@periodic_job(every=timedelta(minutes=15))
def expire_place_offers():
    """Freed places offered and not confirmed in time pass to the next person waiting."""
    return actions.place_offers_expire()


@periodic_job(every=timedelta(hours=1))
def close_bookings_below_minimum():
    """Services whose bookings closed short of their minimum: everyone is told, once."""
    return actions.signups_close_below_minimum()
