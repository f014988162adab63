"""Discrete choices that work in the static book: precomputed views in Stacks, switched in the browser.

A discrete control (a Dropdown, ToggleButtons, any ipywidgets selection widget) has an `index`;
a Stack has a `selected_index`. jslink ties the two in the browser, so choosing an option shows the
view Python computed for it when the page was built, with no kernel behind the page.

    mode = W.ToggleButtons(options=["max", "average"], description="mode")
    size = W.Dropdown(options=["2×2 / 2", "3×3 / 2"], description="window")
    body = switch([mode, size], [[view(m, s) for s in size.options] for m in mode.options])
    W.VBox([mode, size, body])
    chosen(body)  # -> the view for mode.index, size.index (Python's copy follows too)

With several controls the views are nested lists (views[i][j] for control 0's option i and control
1's option j) and the Stacks are nested; control k is linked to every Stack at depth k, so each
control keeps its meaning whatever the others show. A view is any widget, e.g. a convbp Steps (its
own slider and frames, so the step count follows the view) inside a VBox with its own boxes.

Every view is in the saved page: k options of n controls cost k**n views. Keep the choices to the
ones the text discusses (the budget is 3 MB per page, widget state included).
"""

from __future__ import annotations

import ipywidgets as W


def switch(controls: list, views) -> W.Stack:
    """Nested Stacks of `views` (nested lists, one level per control), each level following its control's index.

    The link is made twice: jslink for the browser (works in the static book) and an observer for Python
    (tests and a live kernel see the same selected_index the reader sees).
    """
    if not controls:
        raise ValueError("switch needs at least one control")
    levels: list[list[W.Stack]] = [[] for _ in controls]

    def build(node, depth: int):
        if depth == len(controls):
            return node
        control = controls[depth]
        if len(node) != len(control.options):
            raise ValueError(f"control {control.description!r} has {len(control.options)} options but {len(node)} views were given")
        stack = W.Stack([build(child, depth + 1) for child in node], selected_index=control.index)
        levels[depth].append(stack)
        return stack

    top = build(views, 0)
    top.convbp_depth = len(controls)  # how many Stacks deep the views are, for chosen()
    for control, stacks in zip(controls, levels):
        for stack in stacks:
            W.jslink((control, "index"), (stack, "selected_index"))

        def follow(change, stacks=stacks):
            for stack in stacks:
                stack.selected_index = change["new"]

        control.observe(follow, names="index")
    return top


def chosen(top: W.Stack):
    """The view on show: follow selected_index down the nested Stacks that switch() built."""
    view = top
    for _ in range(top.convbp_depth):
        view = view.children[view.selected_index]
    return view


def restock(top: W.Stack, views) -> None:
    """Put new `views` (nested as for switch) into the Stacks switch() built, keeping its links.

    Only the last control's option count may change (a live edit that resizes a grid); set that
    control's new options afterwards, so that its index never points past the views.
    """

    def fill(stack: W.Stack, node, depth: int) -> None:
        if depth == top.convbp_depth - 1:
            stack.children = tuple(node)
            stack.selected_index = min(stack.selected_index or 0, len(node) - 1)  # never past the views
            return
        for child, sub in zip(stack.children, node):
            fill(child, sub, depth + 1)

    fill(top, views, 0)


def leaves(top: W.Stack, *path: int) -> list:
    """The views of the last control under `path` (one option index for each control above it)."""
    stack = top
    for index in path:
        stack = stack.children[index]
    return list(stack.children)
