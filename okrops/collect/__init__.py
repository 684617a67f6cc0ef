"""okrops collect: key result and KPI values fetched from the systems that hold them, with provenance.

* :mod:`okrops.collect.sources`: the kinds of source (http, sql, prometheus, file, command, github and
  plug-ins from the ``okrops.sources`` entry point group), one interface, found by name;
* :mod:`okrops.collect.runner`: which sources to run, running them in parallel (bounded) and turning
  the results into check-ins;
* :mod:`okrops.collect.provenance`: the check-in trailers that record where each value came from, and
  reading them back for the site;
* the scheduled workflow ``okrops init`` writes is a template of the rhythm wing (``okrops/rhythm/templates/github/collect.yml``).
"""
