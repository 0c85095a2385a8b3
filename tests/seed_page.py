"""The registry page the project started from (tests/fixtures/seed_page_NCT07107204.txt), read as label -> value."""

from trials.eligibility import unescape_markdown

from .conftest import FIXTURES


class SeedPage:
    """The registry page the project started from, read as label -> value."""

    def __init__(self):
        self.lines = [line.strip() for line in (FIXTURES / "seed_page_NCT07107204.txt").read_text().splitlines()]
        self.lines = [line for line in self.lines if line]

    def after(self, label, offset=1):
        return self.lines[self.lines.index(label) + offset]

    def labelled(self, label):
        """The value on the line that reads "label: value"."""
        return next(line.removeprefix(f"{label}:").strip() for line in self.lines if line.startswith(f"{label}:"))

    def numbered_items(self, heading):
        start = self.lines.index(heading) + 1
        items = []
        for line in self.lines[start:]:
            number, _, text = line.partition(". ")
            if not number.isdigit():
                break
            items.append(unescape_markdown(text))
        return items
