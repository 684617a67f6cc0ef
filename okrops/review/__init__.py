"""The pull-request side: what a change to the OKRs means (the semantic diff) and who reviews it (CODEOWNERS)."""
