"""Stage 1-2: reading files into decoded text (`read`, `html`) and structuring it into articles,
blocks and sentences with character offsets (`structure`)."""
