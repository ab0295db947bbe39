#!/usr/bin/env python3
"""Tests of handout_text.py (the Markdown passages marked INSTRUCTOR-ONLY), and of what the
handout's top README.md then says (`make lab-check` runs this after making the handout).

    python3 labs/brb/test_handout_text.py
"""

import os
import sys
import unittest

LAB_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LAB_DIR))
sys.path.insert(0, LAB_DIR)

import handout_text  # noqa: E402
from handout_text import FenceError, strip  # noqa: E402

HANDOUT_README = os.path.join(ROOT, "dist", "brb-handout", "README.md")


class StripTest(unittest.TestCase):
    def test_block_with_else(self):
        text = ("a\n<!-- INSTRUCTOR-ONLY-BEGIN -->\nref 1\nref 2\n<!-- INSTRUCTOR-ONLY-ELSE\n"
                "handout 1\n\nhandout 2\nINSTRUCTOR-ONLY-END -->\nb\n")
        self.assertEqual(strip(text), ("a\nhandout 1\n\nhandout 2\nb\n", 1))

    def test_block_without_else_and_handout_only_block(self):
        text = ("<!-- INSTRUCTOR-ONLY-BEGIN -->\nref\n<!-- INSTRUCTOR-ONLY-END -->\n"
                "<!-- INSTRUCTOR-ONLY-BEGIN -->\n<!-- INSTRUCTOR-ONLY-ELSE\nonly here\n"
                "INSTRUCTOR-ONLY-END -->\n")
        self.assertEqual(strip(text), ("only here\n", 2))

    def test_line_marker_drops_a_table_row(self):
        text = "| a | b |\n|---|---|\n| x | y <!-- INSTRUCTOR-ONLY --> |\n| z | w |\n"
        self.assertEqual(strip(text), ("| a | b |\n|---|---|\n| z | w |\n", 1))

    def test_untouched_without_markers(self):
        self.assertEqual(strip("plain <!-- a comment -->\n"), ("plain <!-- a comment -->\n", 0))

    def test_mistakes_name_the_line(self):
        bad = {
            "x\n<!-- INSTRUCTOR-ONLY-BEGIN -->\nref\n": "f.md:2: <!-- INSTRUCTOR-ONLY-BEGIN "
                                                        "--> without its end",
            "<!-- INSTRUCTOR-ONLY-BEGIN -->\n<!-- INSTRUCTOR-ONLY-BEGIN -->\n": "f.md:2: "
                                                                                "unexpected",
            "<!-- INSTRUCTOR-ONLY-BEGIN -->\n<!-- INSTRUCTOR-ONLY-ELSE\nx -->\n": "f.md:3: in "
                                                                                   "an ELSE",
            "text INSTRUCTOR-ONLY-END -->\n": "f.md:1: INSTRUCTOR-ONLY marker outside",
        }
        for text, message in bad.items():
            with self.assertRaises(FenceError, msg=text) as cm:
                strip(text, "f.md")
            self.assertTrue(str(cm.exception).startswith(message), str(cm.exception))

    def test_reference_readme_is_well_formed(self):
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            text, count = strip(f.read(), "README.md")
        self.assertGreater(count, 0)
        self.assertNotIn("INSTRUCTOR-ONLY", text)


@unittest.skipUnless(os.path.isfile(HANDOUT_README), "no handout (make handout)")
class HandoutReadmeTest(unittest.TestCase):
    """The handout's README.md points at nothing the handout leaves out, and does not present
    /brb as working."""

    def test_no_pointers_to_left_out_files(self):
        with open(HANDOUT_README, encoding="utf-8") as f:
            text = f.read()
        for gone in ("INSTRUCTOR.md", ".ci/run", "make handout", "make lab-check",
                     "make autograder", "batch-grade", "lines are held for you",
                     "INSTRUCTOR-ONLY"):
            self.assertNotIn(gone, text)
        self.assertIn("not implemented yet", text)
        self.assertIn("make grade", text)


if __name__ == "__main__":
    unittest.main()
