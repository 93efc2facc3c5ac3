"""Plain dataclasses that cross the boundaries between pipeline stages.

Nothing here knows RDF: the reader, the document parser, the segmenter, the extractor and
the resolver work on these; only `kg.rdf.graph` turns them into triples.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# The six core classes of the ontology contract and the subclasses the extractor may emit.
CORE_TYPES = ("District", "Initiative", "Project", "Organization", "Platform", "Park")
SUBCLASS_OF = {
    "Company": "Organization",
    "GovernmentBody": "Organization",
    "ResearchInstitute": "Organization",
    "University": "Organization",
    "School": "Organization",
    "Association": "Organization",
    "Fund": "Organization",
    "Media": "Organization",
    "Policy": "Initiative",
    "Event": "Project",
    "Building": "Project",
}
RELATIONS = ("locatedIn", "joinedPark", "ledBy", "partner", "partOf", "operatedBy")
# domain -> range of each core relation, as the ontology contract states them
SIGNATURES = {
    "locatedIn": ({"Project", "Park", "Organization", "Platform"}, {"District"}),
    "joinedPark": ({"Organization", "Project", "Park"}, {"Park"}),
    "ledBy": ({"Initiative", "Project", "Park", "Platform"}, {"District", "Organization"}),
    "partner": ({"Organization", "District"}, {"Organization", "District"}),
    "partOf": ({"Project", "Initiative", "Park"}, {"Initiative", "Park", "Project"}),
    "operatedBy": ({"Platform", "Park", "Project"}, {"Organization"}),
}
AMOUNTS = ("totalInvestmentCNY", "registeredCapitalCNY", "areaM2")


def core_type(name: str) -> str:
    """The core class a (sub)class name falls under."""
    return SUBCLASS_OF.get(name, name)


@dataclass(frozen=True)
class SourceMeta:
    """What a page or a dump record says about its article, beside the text."""

    title: str | None = None
    date: str | None = None  # ISO date
    author: str | None = None
    url: str | None = None
    publisher: str | None = None  # the outlet or site
    identifier: str | None = None  # the record's id in its dump


@dataclass(frozen=True)
class Source:
    """One input file (or one record of a dump), decoded."""

    path: str
    name: str  # the file name, or the record's id: what `kg ingest` replaces by
    text: str
    encoding: str
    digest: str  # sha1 of the decoded text, first 12 hex digits
    meta: SourceMeta = SourceMeta()


@dataclass(slots=True)
class Sentence:
    """A sentence (or a heading / caption line) with offsets into the source text."""

    index: int  # position within its article
    start: int
    end: int
    text: str
    kind: str  # paragraph | heading | caption | headline
    paragraph: int  # index of the block it belongs to


@dataclass(slots=True)
class Block:
    """A line of the source: headline, section heading, photo caption or paragraph."""

    kind: str
    start: int
    end: int
    text: str


@dataclass
class Article:
    """One news article: its metadata, its blocks and its sentences."""

    id: str
    source: str  # file name
    digest: str
    number: int  # position in the file, from 1
    title: str
    date: str | None  # ISO date
    edition: str | None
    page: str | None
    district: str | None  # the district the article is about (Simplified canonical name)
    start: int
    end: int
    blocks: list[Block] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    author: str | None = None
    url: str | None = None
    publisher: str | None = None
    identifier: str | None = None


@dataclass(slots=True)
class Token:
    """A segmenter token on the Simplified text, with offsets into the source."""

    word: str  # Simplified
    pos: str
    start: int
    end: int


@dataclass(slots=True)
class Mention:
    """A span of a sentence naming an entity."""

    text: str  # as written in the source script
    key: str  # normalised Simplified form used for resolution
    start: int
    end: int
    types: tuple[str, ...]
    sentence: int  # Sentence.index
    rule: str
    confidence: float = 0.8


@dataclass(slots=True)
class RelationMention:
    subject: Mention
    predicate: str
    object: Mention
    sentence: int
    rule: str
    confidence: float = 0.6


@dataclass(slots=True)
class AmountMention:
    subject: Mention
    predicate: str
    value: Decimal
    sentence: int
    text: str
    rule: str = "amount-clause"
    confidence: float = 0.7


@dataclass(slots=True)
class DateMention:
    """An event date stated for a mention: 7月18日，青岛科学仪器产业园开园 -> openedOn 2021-07-18."""

    subject: Mention
    predicate: str  # openedOn | signedOn | launchedOn
    value: str  # ISO date
    sentence: int
    text: str
    rule: str = "date-event"
    confidence: float = 0.6


@dataclass
class Extraction:
    """What the extractor found in one article."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    relations: list[RelationMention] = field(default_factory=list)
    amounts: list[AmountMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    candidates: list = field(default_factory=list)  # kg.nlp.relations.candidates.Candidate, when kept
    mention_features: list = field(default_factory=list)  # (Mention, features) for the mention filter, when kept


@dataclass
class Entity:
    """One real-world thing after resolution."""

    key: str  # stable id source (Simplified canonical name)
    label: str  # canonical name as written (source script)
    label_hans: str
    label_hant: str
    types: set[str] = field(default_factory=set)
    alt_labels: set[str] = field(default_factory=set)
    mentions: list[tuple[str, int]] = field(default_factory=list)  # (article id, sentence index)
    label_en: str | None = None
    label_pinyin: str | None = None
    code: str | None = None  # an administrative unit's division code (kg.nlp.gazetteer.division_code)


@dataclass(slots=True)
class Fact:
    """A resolved relation between two entities, with its provenance."""

    subject: str  # entity key
    predicate: str
    object: str
    article: str
    sentence: int
    rule: str
    confidence: float


@dataclass(slots=True)
class AmountFact:
    subject: str
    predicate: str
    value: Decimal
    article: str
    sentence: int
    text: str
    rule: str
    confidence: float


@dataclass(slots=True)
class DateFact:
    subject: str
    predicate: str
    value: str
    article: str
    sentence: int
    text: str
    rule: str
    confidence: float


@dataclass
class Resolved:
    """Everything the graph builder needs: articles, entities and facts."""

    articles: list[Article]
    entities: dict[str, Entity]
    facts: list[Fact]
    amounts: list[AmountFact]
    dates: list[DateFact] = field(default_factory=list)
