"""convbp.models: the counts of chapter 4, checked against published numbers and
against the kernels themselves."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import convbp
import convbp.models as m
from convbp import tables, unroll

DEPTHS = (18, 34, 50, 101, 152)

# torchvision's parameter counts (batch norm's γ, β included; option-B shortcuts).
TORCHVISION_PARAMS = {18: 11_689_512, 34: 21_797_672, 50: 25_557_032,
                      101: 44_549_160, 152: 60_192_808}


@pytest.mark.parametrize("depth", DEPTHS)
def test_resnet_params_match_torchvision(depth):
    assert m.summary(m.resnet(depth)).params == TORCHVISION_PARAMS[depth]


@pytest.mark.parametrize("depth", DEPTHS)
def test_stage_output_sizes(depth):
    stages = m.summary(m.resnet(depth)).by_stage()
    sizes = {r.name: r.output_shape for r in stages}
    assert [sizes[s][1:] for s in ("conv1", "conv2_x", "conv3_x", "conv4_x", "conv5_x")] == \
        [(112, 112), (56, 56), (28, 28), (14, 14), (7, 7)]
    width = 1 if depth < 50 else 4
    assert sizes["conv5_x"][0] == 512 * width
    assert sizes["fc"] == (1000,)


@pytest.mark.parametrize("depth", DEPTHS)
def test_v1_and_v1_5_share_every_parameter(depth):
    v1 = m.summary(m.resnet(depth))
    v15 = m.summary(m.resnet(depth, variant="v1.5"))
    assert v1.params == v15.params
    assert [r.params for r in v1] == [r.params for r in v15]


@pytest.mark.parametrize("depth", DEPTHS)
def test_moving_the_stride_to_the_3x3_costs_three_full_size_1x1s(depth):
    # In v1.5 the first 1×1 of conv3_1, conv4_1, conv5_1 runs before the
    # downsampling: 4× the positions; each costs w·2w·(H² − (H/2)²) more.
    extra = sum(w * 2 * w * (h * h - (h // 2) ** 2) for w, h in [(128, 56), (256, 28), (512, 14)])
    assert extra == 3 * 77_070_336
    delta = m.summary(m.resnet(depth, variant="v1.5")).macs - m.summary(m.resnet(depth)).macs
    assert delta == (extra if depth >= 50 else 0)


@pytest.mark.parametrize("depth", [18, 34, 101, 152])
def test_lecture_flops_row_rounds_to_our_multiply_adds(depth):
    assert round(m.resnet_paper_macs(depth) / 1e9, 1) == m.LECTURE_FLOPS[depth]


def test_paper_macs_use_the_papers_shortcuts():
    # ResNet-18 as the paper measured it: identity (option A) shortcuts, 1.795×10⁹,
    # not the 1.814×10⁹ of 1×1 projections.
    assert m.resnet_paper_macs(18) == m.summary(m.resnet(18, shortcut="A")).macs
    assert m.resnet_paper_macs(18) < m.summary(m.resnet(18, shortcut="B")).macs
    assert m.resnet_paper_macs(50) == m.summary(m.resnet(50)).macs
    with pytest.raises(ValueError, match="depth must be one of"):
        m.resnet_paper_macs(20)


def test_resnet50_flops_is_truncated_not_rounded():
    # 3.858×10⁹: the table's 3.8 cuts the digit off; every other entry rounds.
    macs = m.resnet_paper_macs(50)
    assert macs == 3_857_973_248
    assert math.floor(macs / 1e8) / 10 == m.LECTURE_FLOPS[50]
    assert round(macs / 1e9, 1) == 3.9


def test_exact_multiply_adds_v1():
    got = {d: m.summary(m.resnet(d)).macs for d in DEPTHS}
    assert got == {18: 1_814_073_344, 34: 3_663_761_408, 50: 3_857_973_248,
                   101: 7_570_194_432, 152: 11_282_415_616}


def test_34_layer_3_6_needs_the_parameter_free_shortcut():
    assert round(m.summary(m.resnet(34, shortcut="B")).macs / 1e9, 1) == 3.7
    assert round(m.summary(m.resnet(34, shortcut="A")).macs / 1e9, 1) == 3.6


def test_deeper_bottleneck_nets_differ_by_seventeen_identical_blocks():
    # Why no counting convention can turn 3.86 into 3.8 and keep 7.6 and 11.3:
    # 50 → 101 → 152 each add 17 blocks of 218,365,952 multiply-adds.
    block = m.summary(m.bottleneck(1024, 256), (1024, 14, 14)).macs
    assert block == m.summary(m.bottleneck(512, 128), (512, 28, 28)).macs == 218_365_952
    macs = [m.summary(m.resnet(d)).macs for d in (50, 101, 152)]
    assert macs[1] - macs[0] == macs[2] - macs[1] == 17 * block


def test_option_a_has_no_shortcut_parameters():
    for depth in DEPTHS:
        rows = m.summary(m.resnet(depth, shortcut="A")).rows
        assert all(r.params == 0 for r in rows if ".shortcut" in r.name)
    assert m.summary(m.resnet(50, shortcut="A")).params == 22_780_456


def test_resnet_table_is_read_from_the_model():
    text = str(tables.resnet_table())
    assert "[1×1, 256; 3×3, 256; 1×1, 1024] × 23" in text
    assert "[3×3, 64; 3×3, 64] × 2" in text and "7×7, 64, stride 2" in text
    assert "3.858×10⁹" in text and "11.3×10⁹" in text
    assert "<table>" in tables.resnet_table((50,))._repr_html_()


def test_bottleneck_vs_basic_block():
    basic = m.summary(m.basic_block(256, 256), (256, 56, 56))
    neck = m.summary(m.bottleneck(256, 64), (256, 56, 56))
    # Same 256-wide input and output: 9·256² · 2 weights vs 256·64 + 9·64² + 64·256.
    assert basic.params == 2 * 9 * 256 * 256 + 2 * 2 * 256 == 1_180_672
    assert neck.params == 256 * 64 + 9 * 64 * 64 + 64 * 256 + 2 * (64 + 64 + 256) == 70_400
    assert basic.macs == 3_699_376_128 and neck.macs == 218_365_952
    # The paper's pairing: a 64-wide basic block costs about what a 256-wide bottleneck does.
    small = m.summary(m.basic_block(64, 64), (64, 56, 56))
    assert small.macs == 231_211_008
    assert 0.9 < neck.macs / small.macs < 1


def test_alexnet_two_gpu_count():
    s = m.summary(m.alexnet())
    assert s.params == 60_965_224 and s.macs == 724_406_816
    sizes = {r.name: r.output_shape for r in s}
    assert sizes["conv1"] == (96, 55, 55) and sizes["pool1"] == (96, 27, 27)
    assert sizes["pool2"] == (256, 13, 13) and sizes["pool5"] == (256, 6, 6)
    assert sizes["flatten"] == (9216,)
    assert [r.kind for r in s].count("conv") == 5 and [r.kind for r in s].count("fc") == 3
    assert m.summary(m.alexnet(grouped=False)).params == 62_378_344


def test_alexnet_pools_overlap():
    pools = [r.layer for r in m.summary(m.alexnet()) if r.kind == "maxpool"]
    assert len(pools) == 3 and all(p.size == (3, 3) and p.stride == (2, 2) for p in pools)


def test_alexnet_rejects_224():
    with pytest.raises(ValueError, match="input_shape.*fc6"):
        m.summary(m.alexnet(), (3, 224, 224))


def test_inception_3a():
    s = m.summary(m.inception())
    assert s.output_shape == (256, 28, 28)
    assert s.params == 163_696
    biases = sum(r.layer.out_channels for r in s if r.kind == "conv" and r.layer.bias)  # as chapter 4
    assert biases == 64 + 96 + 128 + 16 + 32 + 32 == 368
    assert s.params - biases == 163_328   # the paper's table prints 159K
    assert s.macs == 128_049_152          # the paper's table prints 128M


def test_inception_naive():
    s = m.summary(m.inception(reductions=False))
    assert s.output_shape == (416, 28, 28)
    assert s.params == 387_296 and s.macs == 303_464_448


@pytest.mark.parametrize("call, arg", [
    (lambda: m.resnet(20), "depth"),
    (lambda: m.resnet(50.0), "depth"),
    (lambda: m.resnet(50, variant="v2"), "variant"),
    (lambda: m.resnet(50, shortcut="C"), "shortcut"),
    (lambda: m.summary(m.resnet(50), (3, 224)), "input_shape"),
    (lambda: m.summary(m.resnet(50), (3, 0, 224)), "input_shape"),
    (lambda: m.summary(m.resnet(50), "3x224x224"), "input_shape"),
    (lambda: m.summary(m.resnet(50), (1, 224, 224)), "input_shape"),
    (lambda: m.summary(m.inception(), (64, 28, 28)), "input_shape"),
    (lambda: m.summary(m.resnet(18), (3, 224, 224, 1)), "input_shape"),
    (lambda: m.Conv2d(3, 64, 0), "kernel_size"),
    (lambda: m.Conv2d(3, 64, 3, groups=2), "groups"),
    (lambda: m.inception(n3x3=0), "n3x3"),
    (lambda: tables.resnet_table((18, 19)), "depths"),
])
def test_bad_arguments_name_themselves(call, arg):
    with pytest.raises(ValueError, match=arg):
        call()


def test_summary_rejects_a_non_model():
    with pytest.raises(TypeError, match="model"):
        m.summary("resnet50")


def test_summary_displays():
    s = m.summary(m.resnet(18))
    text = str(s)
    assert text.splitlines()[0] == "ResNet-18, input 3×224×224"
    assert "11,689,512" in text and "1,814,073,344" in text
    assert "conv5_x.1.conv2" in text
    html = s._repr_html_()
    assert html.startswith("<table>") and "11,689,512" in html


@settings(max_examples=40, deadline=None)
@given(c=st.integers(1, 3), k=st.integers(1, 4), kh=st.integers(1, 4), kw=st.integers(1, 4),
       stride=st.integers(1, 3), padding=st.integers(0, 2),
       h=st.integers(4, 9), w=st.integers(4, 9))
def test_conv_counts_match_the_kernels(c, k, kh, kw, stride, padding, h, w):
    layer = m.Conv2d(c, k, (kh, kw), stride, padding)
    s = m.summary(m.Sequential("one conv", [layer]), (c, h, w))
    # Shapes agree with the forward kernel ...
    z = convbp.conv2d(np.zeros((1, c, h, w)), np.zeros((k, c, kh, kw)), np.zeros(k),
                      stride=stride, padding=padding)
    assert s.output_shape == z.shape[1:]
    # ... the counts with the unrolling module ...
    counts = unroll.layer_counts((c, h, w), (kh, kw), k, stride=stride, padding=padding)
    assert (s.params, s.macs) == (counts["conv_params"], counts["conv_connections"])
    # ... and, without padding, each multiply-add is one nonzero of the unrolled matrix.
    if padding == 0:
        nonzeros = np.count_nonzero(unroll.conv_matrix(np.ones((kh, kw)), (h, w), stride=stride))
        assert s.macs == k * c * nonzeros


@settings(max_examples=20, deadline=None)
@given(depth=st.sampled_from(DEPTHS), variant=st.sampled_from(["v1", "v1.5"]),
       shortcut=st.sampled_from(["A", "B"]), size=st.integers(1, 300))
def test_totals_are_sums_of_rows_and_of_stages(depth, variant, shortcut, size):
    s = m.summary(m.resnet(depth, variant=variant, shortcut=shortcut), (3, size, size))
    assert s.params == sum(r.params for r in s.rows)
    assert s.macs == sum(r.macs for r in s.rows)
    stages = s.by_stage()
    assert (stages.params, stages.macs) == (s.params, s.macs)
    # Parameters do not depend on the image size.
    assert s.params == m.summary(m.resnet(depth, variant=variant, shortcut=shortcut)).params


@settings(max_examples=30, deadline=None)
@given(c=st.sampled_from([2, 4, 8]), k=st.sampled_from([2, 4, 8]), groups=st.sampled_from([1, 2]),
       size=st.integers(3, 12))
def test_grouped_conv_is_groups_separate_convs(c, k, groups, size):
    whole = m.summary(m.Sequential("g", [m.Conv2d(c, k, 3, padding=1, groups=groups)]), (c, size, size))
    part = m.summary(m.Sequential("p", [m.Conv2d(c // groups, k // groups, 3, padding=1)]),
                     (c // groups, size, size))
    assert (whole.params, whole.macs) == (groups * part.params, groups * part.macs)


def test_a_mistake_gets_the_same_exception_and_message_as_in_the_kernels():
    # models checks its arguments with convbp._validate, as conv2d does: stride=1.5 is a
    # TypeError naming the stride in both, not a ValueError in one and a TypeError in the other.
    with pytest.raises(TypeError, match="stride") as in_models:
        m.Conv2d(3, 64, 3, stride=1.5)
    with pytest.raises(TypeError, match="stride") as in_kernels:
        convbp.conv2d(np.zeros((4, 4)), np.ones((3, 3)), stride=1.5)
    assert str(in_models.value) == str(in_kernels.value)
    with pytest.raises(ValueError, match="padding") as in_models:
        m.MaxPool2d(3, 2, -1)
    with pytest.raises(ValueError, match="padding") as in_kernels:
        convbp.max_pool2d(np.zeros((4, 4)), 3, stride=2, padding=-1)
    assert str(in_models.value) == str(in_kernels.value)
