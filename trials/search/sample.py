"""Samples of a search's matches: the trials in the first few of 64 buckets (trial id mod 64, SearchEntry.bucket).

A set of up to EXACT_LIMIT trials is read whole and counted exactly. A larger one is read in as many buckets as hold
about EXACT_LIMIT of its trials, and each count over them is scaled up (to two significant figures: the page says
"about"). Ids are given in the order trials are stored, which says nothing of what a trial is about, so each bucket
is a fair sample. How the buckets are read is the text backend's (trials/search/backends.py).
"""

from dataclasses import dataclass

from trials.models import SearchEntry

from .backends import backend

BUCKETS = SearchEntry.SAMPLE_BUCKETS
EXACT_LIMIT = 2_500  # the most trials a count reads; a larger set is counted over a sample of about this many


@dataclass(frozen=True)
class Sample:
    """The first `buckets` buckets of a set of entries (all of them: the whole set, counted exactly)."""

    buckets: int = BUCKETS

    @property
    def whole(self):
        return self.buckets >= BUCKETS

    def of(self, entries):
        return entries if self.whole else backend().in_buckets(entries, 0, self.buckets)

    def share(self, total):
        """About how many of a set of `total` trials are in the sample."""
        return total if self.whole else total * self.buckets // BUCKETS

    def scale(self, count):
        """A count over the sample, scaled to the whole set."""
        return count if self.whole else about(count * BUCKETS / self.buckets)


def about(estimate):
    """An estimated count as the page shows it: to two significant figures (1,234.5 -> 1,200)."""
    return int(float(f"{estimate:.2g}")) if estimate >= 100 else round(estimate)


def sample_for(size, limit=None):
    """The Sample to count `size` trials with: all of them up to `limit` (EXACT_LIMIT), else between half of `limit`
    and `limit`: a power of two of buckets, which is a whole number of the text index's blocks (TEXT_BLOCKS)."""
    limit = limit or EXACT_LIMIT
    if size <= limit:
        return Sample()
    buckets = max(1, limit * BUCKETS // size)
    return Sample(1 << (buckets.bit_length() - 1))


def size_of(entries):
    """About how many entries there are: one bucket counted, scaled up."""
    return Sample(1).of(entries).count() * BUCKETS
