"""The pure domain of Styrkort.

Standard library only: no files, no printing, no clock. Everything here takes
values and returns values (plus findings).
"""
