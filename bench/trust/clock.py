"""The generated history's clock."""

import datetime


class Clock:
    """Today and the window, as day ordinals and epoch seconds; Europe/London wall times to aware datetimes."""

    def __init__(self, now, years):
        from django.utils import timezone

        self.now = now
        self.now_ts = int(now.timestamp())
        self.today = timezone.localdate(now).toordinal()
        self.window = self.today - round(years * 365.25)  # the roster history starts here
        self._cache = {}

    def at(self, day: int, minutes: int) -> int:
        """Epoch seconds of `minutes` past local midnight on day ordinal `day`."""
        key = (day, minutes)
        if key not in self._cache:
            from django.utils import timezone

            wall = datetime.datetime.combine(datetime.date.fromordinal(day), datetime.time(minutes // 60, minutes % 60))
            self._cache[key] = int(timezone.make_aware(wall).timestamp())
        return self._cache[key]

    def aware(self, ts: int) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(ts, datetime.UTC)
