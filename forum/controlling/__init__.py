"""Central controlling: the project portfolio, the versioned criteria catalogue and scores,
the dashboard, cooperation requests from outside partners, and open data.

Modules: models / scoring_models / cooperation_models (tables), projects / scoring / cooperation /
dashboard / open_data (services and queries), charts (SVG layout), forms, routes* (pages), demo.
"""
