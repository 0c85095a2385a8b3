"""What a person typed in the search box, understood the same way on every database.

The syntax is PostgreSQL's websearch_to_tsquery: words must all appear, "quoted words"
form a phrase, OR between two terms accepts either, and -word excludes. PostgreSQL reads
the text itself; for SQLite it is translated here into an FTS5 query with each term
quoted, so no character a person types can be read as FTS5 syntax.
"""

import re
from dataclasses import dataclass, field

from trials.identifiers import canonical_nct_id

from .synonyms import WORD_RE, expand

TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def nct_id_in(text):
    """The NCT ID a query consists of ("nct 0710 7204" -> "NCT07107204"), or None."""
    return canonical_nct_id(re.sub(r"\s+", "", text or ""))


@dataclass
class TextQuery:
    """A parsed query: groups that must all match (each group: alternatives joined by OR), and exclusions.

    Terms are tuples of words; a phrase has several. Punctuation is dropped, as both
    databases drop it when they index.
    """

    groups: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    added: list = field(default_factory=list)  # terms looked for that were not typed (trials/search/synonyms.py)

    def __bool__(self):
        return bool(self.groups)

    def words(self):
        return [word for group in self.groups for term in group for word in term]

    def to_fts5(self):
        def term(words):
            return '"' + " ".join(words) + '"'

        def group(alternatives):
            text = " OR ".join(term(words) for words in alternatives)
            return f"({text})" if len(alternatives) > 1 else text

        query = " AND ".join(group(alternatives) for alternatives in self.groups)
        return "".join([query, *(f" NOT {term(words)}" for words in self.excluded)])

    def to_websearch(self):
        """The same query in websearch_to_tsquery's syntax, rebuilt from the parsed terms."""

        def term(words):
            return '"' + " ".join(words) + '"' if len(words) > 1 else words[0]

        parts = [" OR ".join(term(words) for words in alternatives) for alternatives in self.groups]
        return " ".join(parts + [f"-{term(words)}" for words in self.excluded])


def parse(text):
    """Parse search-box text; a query with no word to look for (only -exclusions, only punctuation) is empty."""
    query = TextQuery()
    join_next = False
    for negated, phrase, bare in TOKEN_RE.findall(text or ""):
        if bare == "OR":
            join_next = bool(query.groups)
            continue
        if bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = tuple(WORD_RE.findall((phrase or bare).lower()))
        if not words:
            continue
        if negated:
            query.excluded.append(words)
        elif join_next:
            query.groups[-1].append(words)
        else:
            query.groups.append([words])
        join_next = False
    query.groups, added = expand(query.groups)
    query.added = [" ".join(term) for term in added]
    return query
