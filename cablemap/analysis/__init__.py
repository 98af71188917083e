"""Questions asked of the model: routes and their costs, clean routes, resilience, the matrix.

The analysis layer sits above the network model and the policy layer and imports both;
neither imports it (see ``../shared/DESIGN.md`` and ``tests/test_layers.py``).
"""
