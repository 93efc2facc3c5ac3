"""Event dates: 7月18日…开园 -> openedOn 2021-07-18, the year from the article's date."""
from __future__ import annotations

import re
from datetime import date, timedelta

from kg.model import DateMention, Mention
from kg.nlp.relations.view import clause_index, clauses_of, core

DATE_RE = re.compile(r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
EVENT_VERBS = {
    "openedOn": ("开园", "开业", "开馆", "开街", "投用", "投入使用", "揭牌", "挂牌", "亮相", "启用", "开放"),
    "signedOn": ("签约", "签署", "签订"),
    "launchedOn": ("启动", "开工", "成立", "发布", "举办", "召开", "开通", "上线", "开幕"),
}


def _resolve_date(mt: re.Match, before: str, article_date: str | None) -> str | None:
    """ISO date of '7月18日' in an article dated `article_date`: its year unless the text says
    去年/明年, or the day would fall more than a week after the article (then the year before)."""
    month, day = int(mt.group("m")), int(mt.group("d"))
    if mt.group("y"):
        year = int(mt.group("y"))
    elif article_date:
        ref = date.fromisoformat(article_date)
        year = ref.year - 1 if before.endswith("去年") else ref.year + 1 if before.endswith("明年") else ref.year
        try:
            if not before.endswith(("去年", "明年", "今年")) and date(year, month, day) > ref + timedelta(days=7):
                year -= 1
        except ValueError:
            return None
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def sentence_dates(s: str, mentions: list[Mention], sent_start: int, sent_index: int,
                   article_date: str | None) -> list[DateMention]:
    """Dates of openings, signings and launches, attached to the entity the event verb is about
    (the nearest mention in the date's clause)."""
    out: list[DateMention] = []
    pos = {id(m): m.start - sent_start for m in mentions}
    clauses = clauses_of(s)
    for mt in DATE_RE.finditer(s):
        ci = clause_index(clauses, mt.start())
        # the event may sit in the date's clause or the next one (去年12月10日,…中心揭牌)
        span_end = clauses[min(ci + 1, len(clauses) - 1)][1] if mt.end() >= clauses[ci][1] - 1 else clauses[ci][1]
        region = s[mt.end():span_end]
        found = [(region.find(v), prop, v) for prop, verbs in EVENT_VERBS.items() for v in verbs if v in region]
        if not found:
            continue
        at, prop, verb = min(found)
        verb_pos = mt.end() + at
        cands = [m for m in mentions if mt.end() <= pos[id(m)] < span_end and "District" not in core(m.types)]
        if not cands:
            continue
        subject = min(cands, key=lambda m: abs(pos[id(m)] + (m.end - m.start) - verb_pos))
        iso = _resolve_date(mt, s[max(0, mt.start() - 2):mt.start()], article_date)
        if iso:
            out.append(DateMention(subject=subject, predicate=prop, value=iso, sentence=sent_index,
                                   text=mt.group() + "…" + verb, rule=f"date-{verb}"))
    return out
