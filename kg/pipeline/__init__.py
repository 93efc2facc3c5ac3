"""The pipeline that ties the stages together (`run`: build, ingest, remove) and the state it
keeps beside a store (`state`: extraction cache, graph digests, build options)."""
