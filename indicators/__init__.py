"""Domain core: the target catalogue, units, region classes and target evaluation.

Nothing here imports Dash or a database: it works on plain files and frames.
"""
