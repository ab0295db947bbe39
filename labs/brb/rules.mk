# labs/brb/rules.mk - the make targets of the BRB lab, included by the top-level Makefile.
#
#   make grade                          build this tree and grade it (labs/brb/README.md)
#   make grade SUBMISSION=PATH          grade a student's tree or .tar.gz with this tree's tests
#   make grade JSON=results.json        also write a Gradescope results.json
#   make grade GRADE_ARGS='--keep'      any other option of labs/brb/grade.py (see --help)
#   make brb-unit                       build and run only common/tests/test_brb.c
#   make handout                        write dist/brb-handout/ and dist/brb-handout.tar.gz
#   make lab-check                      the lab's own test: the reference tree scores full
#                                       marks, the handout builds, passes every non-BRB test
#                                       and scores 0 on the BRB tests
#
# The handout generator and the lab check are instructor tools: the handout leaves them out,
# and these rules then leave out their targets.

# The packages first (installed as root, otherwise the apt-get line is printed): without
# libcmocka-dev the unit tests cannot build, and grading goes on without them.
.PHONY: grade
grade:
	-@tools/ensure-packages libcmocka-dev python3
	@$(PYTHON) labs/brb/grade.py $(if $(SUBMISSION),--submission '$(SUBMISSION)') \
	  $(if $(JSON),--json '$(JSON)') $(GRADE_ARGS)

# The cmocka tests of the BRB code alone. `make unit` runs every unit test binary and fails
# if any did, which it does until the lab is done (test_brb); this runs just that one. The
# package step comes first (cmocka.h), then the build, so that -j cannot reorder them.
.PHONY: brb-unit
brb-unit: deps
	@$(MAKE) --no-print-directory $(BUILD)/common/tests/test_brb
	$(BUILD)/common/tests/test_brb

ifneq ($(wildcard labs/brb/make_handout.py),)
.PHONY: handout
handout:
	@$(PYTHON) labs/brb/make_handout.py
endif

ifneq ($(wildcard labs/brb/lab_check.py),)
.PHONY: lab-check
lab-check:
	@$(PYTHON) labs/brb/lab_check.py $(LAB_CHECK_ARGS)
endif
