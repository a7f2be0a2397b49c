"""SQLAlchemy persistence of the core: the only package of core/ allowed to import SQLAlchemy."""
