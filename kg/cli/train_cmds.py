"""`kg train`: fit the pair scorer on gold annotations and the texts they annotate."""
from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import handle_errors
from kg.errors import InputError


@click.command()
@click.option("--set", "sets", nargs=3, multiple=True, required=True, metavar="NAME TEXTS GOLD",
              type=(str, click.Path(exists=True, file_okay=False, path_type=Path),
                    click.Path(exists=True, file_okay=False, path_type=Path)),
              help="A training set: its name, the folder of its texts, the folder of its gold files "
                   "(NAME.gold.json per text NAME.txt). Repeat for more sets.")
@click.option("-o", "--out", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("."),
              show_default=True, help="The folder to write pair-scorer.json, mention-filter.json and "
                                      "training-manifest.json into.")
@click.option("--leave-one-out", "loo", multiple=True, metavar="NAME",
              help="Also score set NAME with each article decided by a scorer fitted without it.")
@click.option("--model", type=click.Choice(["trees", "logistic"]), default="trees", show_default=True,
              help="The pair scorer: boosted decision trees (needs LightGBM: pip install 'qdkg[train]') "
                   "or a logistic regression.")
@click.pass_context
@handle_errors
def train(ctx, sets, out, loo, model):
    """Fit the pair scorer and the mention filter on gold annotations.

    Use the weights with QDKG_PAIR_SCORER=OUT/pair-scorer.json QDKG_MENTION_FILTER=OUT/mention-filter.json
    kg build …; to ship them, write them into kg/nlp/data/."""
    from kg.learn.boosting import require_lightgbm
    from kg.learn.train import Settings, TrainingSet
    from kg.learn.train import train as fit
    from kg.out.evaluate import format_scores

    names = [s[0] for s in sets]
    unknown = [n for n in loo if n not in names]
    if unknown:
        raise InputError(f"--leave-one-out {unknown[0]}: no --set of that name; use one of {', '.join(names)}")
    if model == "trees":
        require_lightgbm()  # before the long extraction, not after it
    result = fit([TrainingSet(*s) for s in sets], leave_one_out=list(loo), settings=Settings(model=model),
                 progress=lambda msg: click.echo(msg, err=True))
    written = result.write(out)
    about, kept = result.scorer.about, result.keeper.about
    click.echo(f"Trained on {about['articles']} articles: pair scorer {about['candidates']} candidates, "
               f"{about['positives']} right, {about['features']} features; mention filter {kept['mentions']} "
               f"mentions, {kept['right']} right, {kept['features']} features; wrote {', '.join(map(str, written))}")
    for name, figs in result.figures.items():
        for how, scores in figs.items():
            click.echo(f"== {name}: {'rules alone' if how == 'rules' else 'rules + scorer + filter, leave one article out'}")
            click.echo(format_scores(scores))
