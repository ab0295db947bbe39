# labs/brb/rules.mk - the make targets of the BRB lab, included by the top-level Makefile.
#
#   make grade                          build this tree and grade it (labs/brb/README.md)
#   make grade SUBMISSION=PATH          grade a student's tree or .tar.gz with this tree's tests
#   make grade JSON=results.json        also write a Gradescope results.json
#   make grade GRADE_ARGS='--keep'      any other option of labs/brb/grade.py (see --help)
#   make brb-unit                       build and run only common/tests/test_brb.c
#   make handout                        write dist/brb-handout/ and dist/brb-handout.tar.gz
#   make autograder                     write dist/brb-autograder.zip (Gradescope)
#   make handout HINTS=brief PARTS="core threaded"   TODOs without steps; some parts only
#   make lab-check                      the lab's own test: the reference tree scores full
#                                       marks, the handout builds, passes every non-BRB test
#                                       and scores 0 on the BRB tests; then the Gradescope
#                                       autograder and batch-grade --jobs are run for real
#
# The handout generator, the autograder and the lab check are instructor tools: the handout
# leaves them out, and these rules then leave out their targets.

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
	@$(PYTHON) labs/brb/make_handout.py $(if $(HINTS),--hints '$(HINTS)') \
	  $(if $(PARTS),--parts '$(PARTS)')
endif

ifneq ($(wildcard labs/brb/autograder/make_autograder.py),)
.PHONY: autograder
autograder:
	@$(PYTHON) labs/brb/autograder/make_autograder.py
endif

ifneq ($(wildcard labs/brb/lab_check.py),)
# lab_check.py leaves the handout in dist/brb-handout: then its README.md is checked, and the
# autograder and batch-grade tests grade it again, the Gradescope way and two at a time.
.PHONY: lab-check
lab-check:
	@$(PYTHON) labs/brb/lab_check.py $(LAB_CHECK_ARGS)
	@$(PYTHON) labs/brb/test_handout_text.py
	@$(PYTHON) labs/brb/autograder/test_autograder.py --handout dist/brb-handout
	@$(PYTHON) labs/brb/autograder/test_batch_grade.py --handout dist/brb-handout
endif
