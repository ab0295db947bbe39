# labs/brb/rules.mk - the make targets of the BRB lab, included by the top-level Makefile.
#
#   make grade                          build this tree and grade it (labs/brb/README.md)
#   make grade SUBMISSION=PATH          grade a student's tree or .tar.gz with this tree's tests
#   make grade JSON=results.json        also write a Gradescope results.json
#   make grade GRADE_ARGS='--keep'      any other option of labs/brb/grade.py (see --help)
#   make brb-unit                       build and run only common/tests/test_brb.c
#   make handout                        write dist/brb-handout/ and dist/brb-handout.tar.gz
#   make handout HINTS=brief PARTS="core threaded"   TODOs without steps; some parts only
#   make lab-check                      the lab's own test: the reference tree scores full
#                                       marks, the handout builds, passes every non-BRB test
#                                       and scores 0 on the BRB tests
#
# The handout generator and the lab check are instructor tools: the handout leaves them out,
# and these rules then leave out their targets.

.PHONY: grade
grade:
	@$(PYTHON) labs/brb/grade.py $(if $(SUBMISSION),--submission '$(SUBMISSION)') \
	  $(if $(JSON),--json '$(JSON)') $(GRADE_ARGS)

# The cmocka tests of the BRB code alone (`make unit` stops at the first failing binary).
.PHONY: brb-unit
brb-unit: $(BUILD)/common/tests/test_brb
	$(BUILD)/common/tests/test_brb

ifneq ($(wildcard labs/brb/make_handout.py),)
.PHONY: handout
handout:
	@$(PYTHON) labs/brb/make_handout.py $(if $(HINTS),--hints '$(HINTS)') \
	  $(if $(PARTS),--parts '$(PARTS)')
endif

ifneq ($(wildcard labs/brb/lab_check.py),)
.PHONY: lab-check
lab-check:
	@$(PYTHON) labs/brb/lab_check.py $(LAB_CHECK_ARGS)
endif
