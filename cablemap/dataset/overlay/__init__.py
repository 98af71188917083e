"""Overlays: newer cables and ownership changes laid over a snapshot, each record sourced.

An overlay is a TOML file of records (add a cable or a landing station, change a cable's
owners, suppliers or status, retire a cable), each with its source, date and licence,
plus an optional GeoJSON file of drawn routes. The format is documented in
``docs/data.md`` ("Overlays"); :mod:`.parse` reads and checks a file (:mod:`.fields`
each value, :mod:`.drawn` its GeoJSON file), :mod:`.facts` says what each record states,
:mod:`.apply` lays the records over the records read from a snapshot, :mod:`.schematic`
draws an approximate sea path where no route is published, :mod:`.store` keeps overlays
in the cache and :mod:`.licences` says what the licences that apply allow.
"""
