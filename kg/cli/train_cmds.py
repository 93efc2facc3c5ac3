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
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("pair-scorer.json"),
              show_default=True, help="The weights file to write (its manifest is written beside it).")
@click.option("--leave-one-out", "loo", multiple=True, metavar="NAME",
              help="Also score set NAME with each article decided by a scorer fitted without it.")
@click.pass_context
@handle_errors
def train(ctx, sets, out, loo):
    """Fit the pair scorer that adds the relations the rules miss.

    Use the weights with QDKG_PAIR_SCORER=FILE kg build …; to ship them, copy both files to
    kg/nlp/data/."""
    from kg.learn.train import TrainingSet
    from kg.learn.train import train as fit
    from kg.out.evaluate import format_scores

    names = [s[0] for s in sets]
    unknown = [n for n in loo if n not in names]
    if unknown:
        raise InputError(f"--leave-one-out {unknown[0]}: no --set of that name; use one of {', '.join(names)}")
    result = fit([TrainingSet(*s) for s in sets], leave_one_out=list(loo),
                 progress=lambda msg: click.echo(msg, err=True))
    manifest = result.write(out)
    about = result.scorer.about
    click.echo(f"Trained on {about['articles']} articles ({about['candidates']} candidates, "
               f"{about['positives']} right, {about['features']} features); wrote {out} and {manifest}")
    for name, figs in result.figures.items():
        for how, scores in figs.items():
            click.echo(f"== {name}: {'rules alone' if how == 'rules' else 'rules + scorer, leave one article out'}")
            click.echo(format_scores(scores))
