"""« Qu'est-ce qui me correspondrait ? »: the interests questionnaire (our own statements,
one RIASEC type each, in ``data/items.json``), its scoring, and the occupations whose RIASEC
codes agree with a person's profile. An aid to reflection, not a test: no organisation may use
it to screen people."""
