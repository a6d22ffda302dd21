"""Plugins for the whole suite; the controller of a parallel run loads this file even though it runs no test."""

pytest_plugins = ["tests.security.report"]
