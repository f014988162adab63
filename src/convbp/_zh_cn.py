"""The Chinese (zh_CN) of every text convbp shows a reader, keyed by its English (see i18n.py).

The lecture's own terms, as in book/glossary.md: 残差, 卷积核, 池化, 最大池化, 平均池化, 特征图,
上采样, 翻转 180°, 步长, 填充, 权值共享, 局部连接, 全连接, 激活函数, 偏置. Each template keeps the
English one's {placeholders}; tests/test_i18n.py checks that, and that no entry is unused.
"""

ZH_CN: dict[str, str] = {
    # -- filters.PRESETS: the hand-made kernels ------------------------------------------------
    "Sobel x (vertical edges)": "Sobel x（竖直边缘）",
    "Sobel y (horizontal edges)": "Sobel y（水平边缘）",
    "Prewitt x": "Prewitt x",
    "Prewitt y": "Prewitt y",
    "identity": "恒等",
    "box blur": "均值模糊",
    "sharpen": "锐化",
    "Laplacian": "拉普拉斯",
    # -- models: summaries and the ResNet table ------------------------------------------------
    "ResNet, variant {variant}, shortcut {shortcut}, input {shape}": "ResNet，版本 {variant}，捷径连接 {shortcut}，输入 {shape}",
    "paper": "按论文",
    "{name}, input {shape}": "{name}，输入 {shape}",
    "name": "名称",
    "kind": "类型",
    "output": "输出",
    "params": "参数量",
    "MACs": "乘加次数",
    "total": "合计",
    "{kernel} max pool, stride {s}": "{kernel} 最大池化，步长 {s}",
    "{kernel}, {channels}, stride {s}": "{kernel}，{channels}，步长 {s}",
    "average pool": "平均池化",
    "{n}-d fc": "{n} 维全连接",
    ", ": "、",
    "multiply-adds": "乘加次数",
    "lecture's FLOPs": "讲义中的 FLOPs",
    "layer name": "层名",
    "output size": "输出尺寸",
    "{d}-layer": "{d} 层",
    # -- plotting -------------------------------------------------------------------------------
    "step {i}": "第 {i} 步",
    "input position (flattened)": "输入位置（展平）",
    "output position": "输出位置",
    # -- symbolic.assert_grids_equal ------------------------------------------------------------
    "equal in all {n} entries": "全部 {n} 个元素都相等",
    "equal": "相等",
    # -- widgets: what they share ---------------------------------------------------------------
    "open this page on Binder or with <b>Live Code</b> from the rocket (🚀) button at the top of the page, "
    "or run the notebook in Jupyter":
        "可在 Binder 中打开本页，或点击页面顶部火箭（🚀）按钮中的 <b>Live Code</b>，也可以在 Jupyter 中运行这个 notebook",
    "✓ Here: {works}. ✎ {needs_kernel} greyed out: they need a live Python kernel to recompute — {way}.":
        "✓ 本页可用：{works}。✎ {needs_kernel}显示为灰色：重新计算需要运行中的 Python 内核——{way}。",
    "✎ Live: {what}.": "✎ 实时：{what}。",
    "⚠ {message} — showing the last valid example.": "⚠ {message}——仍显示上一个有效的例子。",
    "this entry could not be computed ({error})": "这个输入无法计算（{error}）",
    "{entry} = {value} is too large for floating point (at most about 1.8e308): "
    "the results show ∞ or NaN where it overflowed.":
        "{entry} = {value} 超出了浮点数的范围（最大约 1.8e308）：结果中溢出的位置显示为 ∞ 或 NaN。",
    "{label}: rows separated by ';'": "{label}：各行之间用 ';' 分隔",
    "{name} is empty: type rows separated by ';', e.g. '1 2; 3 4'": "{name} 为空：请输入用 ';' 分隔的各行，例如 '1 2; 3 4'",
    "{name}: {token} is not a number": "{name}：{token} 不是数",
    "{name} must be a 2-D grid (rows separated by ';'); got shape {shape}": "{name} 必须是二维网格（各行用 ';' 分隔）；得到的形状是 {shape}",
    "{name} must hold finite numbers": "{name} 中的数必须是有限值",
    "{name} may be at most {most} here (every window is a step); got {got}": "这里 {name} 最大为 {most}（每个窗口都是一步）；得到的是 {got}",
    "example": "例子",
    "step": "步骤",
    "step through the {what} (arrow keys)": "逐步查看{what}（可用方向键）",
    "play": "播放",
    "play the {what}'s steps": "自动播放{what}的各个步骤",
    # -- ConvStepper ----------------------------------------------------------------------------
    " (a zero-padded)": "（a 已补 0 填充）",
    "stride": "步长",
    "stride: how far the window moves": "步长：窗口每次移动的距离",
    "stride {s}": "步长 {s}",
    "padding": "填充",
    "padding: zeros around the input": "填充：在输入四周补 0",
    "padding {p}": "填充 {p}",
    "a (input)": "a（输入）",
    "w (kernel)": "w（卷积核）",
    "δ (residual)": "δ（残差）",
    "convolution example": "卷积的例子",
    "every change recomputes every step with convbp": "每次修改都会用 convbp 重新计算每一步",
    "the stride and padding choices, the step slider and ▶ (each choice has its own steps)":
        "步长和填充的选项、步骤滑块和 ▶（每个选项都有自己的步骤）",
    "The a, w, δ, stride and padding boxes are": "a、w、δ、步长和填充输入框",
    "stride {s}, padding {p} does not fit this example: {error}": "步长 {s}、填充 {p} 不适用于这个例子：{error}",
    "{name} must be a 2-D grid of at most {most} here; got shape {shape}": "这里 {name} 必须是不超过 {most} 的二维网格；得到的形状是 {shape}",
    "stride {stride} and padding {padding} would make this example take {steps} steps; "
    "keep it under {most} (a smaller input, a larger stride or less padding)":
        "步长 {stride}、填充 {padding} 会使这个例子有 {steps} 步；请保持在 {most} 步以内（输入小一些、步长大一些或填充少一些）",
    " (zero-padded)": "（补 0 填充）",
    "kernel w": "卷积核 w",
    "Forward · z term by term · {k} of {n}": "前向 · 逐项计算 z · 第 {k} 步，共 {n} 步",
    "window": "窗口",
    " (the added zeros contribute nothing)": "（补上的 0 不起作用）",
    "{name} = <b>{value}</b>: the window holds only added zeros — no output used this input":
        "{name} = <b>{value}</b>：窗口里只有补上的 0——没有哪个输出用到这个输入",
    "Then δ<sup>(l−1)</sup> = ∂J/∂a<sup>(l−1)</sup> ⊙ σ′(z<sup>(l−1)</sup>).":
        "然后 δ<sup>(l−1)</sup> = ∂J/∂a<sup>(l−1)</sup> ⊙ σ′(z<sup>(l−1)</sup>)。",
    "δ<sup>(l)</sup>, dilated, zero-padded": "δ<sup>(l)</sup>，按步长插 0 后再补 0 填充",
    "δ<sup>(l)</sup> zero-padded": "δ<sup>(l)</sup>，补 0 填充",
    "Backward · residual by the rot180 recipe · {k} of {n}": "反向 · 按翻转 180° 的方法求残差 · 第 {k} 步，共 {n} 步",
    "∂J/∂w<sub>pq</sub> = Σ<sub>uv</sub> δ<sub>uv</sub> · {entry}: this step adds {d} = {value} times the window ({window}).":
        "∂J/∂w<sub>pq</sub> = Σ<sub>uv</sub> δ<sub>uv</sub> · {entry}：这一步加上 {d} = {value} 乘以窗口（{window}）。",
    "And the bias: ∂J/∂b = Σ δ = <b>{value}</b>.": "偏置的梯度：∂J/∂b = Σ δ = <b>{value}</b>。",
    "∂J/∂w so far": "目前为止的 ∂J/∂w",
    "Backward · kernel gradient · {k} of {n}": "反向 · 卷积核的梯度 · 第 {k} 步，共 {n} 步",
    "z is now {shape}, so δ was reset to {delta} (edit it above).": "z 现在是 {shape}，所以 δ 已重置为 {delta}（可在上方修改）。",
    # -- KernelEditor ---------------------------------------------------------------------------
    "custom (your numbers)": "自定义（你输入的数）",
    "preset": "预设",
    "a hand-made 3×3 kernel": "人工设定的 3×3 卷积核",
    "The input photo: a grayscale portrait of Grace Hopper, {shape} pixels.": "输入照片：Grace Hopper 的灰度肖像，{shape} 像素。",
    "choosing a preset or typing a weight recomputes the feature map with convbp": "选择预设或输入权值都会用 convbp 重新计算特征图",
    "the preset list (each preset shows its kernel, feature map and numbers)": "预设列表（每个预设显示它的卷积核、特征图和数值）",
    "The nine weight boxes are": "九个权值输入框",
    "kernel weight {w}": "卷积核权值 {w}",
    "input a (photo)": "输入 a（照片）",
    "feature map z = a ⋆ w": "特征图 z = a ⋆ w",
    "kernel entry {w} = {value} is too large: the feature map would hold ∞ (floating point ends near 1.8e308)":
        "卷积核元素 {w} = {value} 太大：特征图中会出现 ∞（浮点数最大约为 1.8e308）",
    "red for negative, blue for positive values": "红色为负值，蓝色为正值",
    "dark for small, light for large values": "深色为小值，浅色为大值",
    "The feature map z, {shape} pixels, from {low} to {high} ({shades}).": "特征图 z，{shape} 像素，取值从 {low} 到 {high}（{shades}）。",
    "z at rows {r0}–{r1}, columns {c0}–{c1} (the centre)": "z 的第 {r0}–{r1} 行、第 {c0}–{c1} 列（中心部分）",
    "z is {shape} ({photo} photo, no padding); min {low}, max {high}.": "z 为 {shape}（照片为 {photo}，无填充）；最小值 {low}，最大值 {high}。",
    "kernel entry {w}: {text} is not a number": "卷积核元素 {w}：{text} 不是数",
    "kernel entry {w} must be finite; got {text}": "卷积核元素 {w} 必须是有限值；得到的是 {text}",
    # -- the pick-a-cell pictures ---------------------------------------------------------------
    "{first} and {last}": "{first}和{last}",
    "{a} = {value} feeds {outputs}: {n} paths back to it.": "{a} = {value} 参与计算 {outputs}：共有 {n} 条路径回到它。",
    "{a} = {value} feeds {outputs}: 1 path back to it.": "{a} = {value} 参与计算 {outputs}：只有 1 条路径回到它。",
    "{a} = {value} feeds no output: no window of the stride-{s} pass reads it, so it receives 0.":
        "{a} = {value} 不参与任何输出：步长为 {s} 时没有窗口读到它，所以它收到 0。",
    "input {a}": "输入 {a}",
    "residual {d}": "残差 {d}",
    "{lhs} = Σ δ·w over the outputs it feeds = {terms}": "{lhs} = 对它参与的各输出求 Σ δ·w = {terms}",
    "{lhs} = {total}: no term, the sum is empty.": "{lhs} = {total}：没有任何项，求和为空。",
    " + {n} products with an added 0": " + {n} 个与补上的 0 相乘的积",
    " + 1 product with an added 0": " + 1 个与补上的 0 相乘的积",
    "Σ rot180(w) ⊙ window = {terms}": "Σ rot180(w) ⊙ 窗口 = {terms}",
    "Σ rot180(w) ⊙ window = 0: all {n} entries under it are added zeros": "Σ rot180(w) ⊙ 窗口 = 0：它覆盖的 {n} 个元素都是补上的 0",
    "the same terms as above": "与上面的项完全相同",
    "as above, nothing": "与上面一样，没有任何项",
    "dilated by the stride (zeros between entries), then ": "先按步长在元素之间插 0，再",
    "δ̃: {d} {what}zero-padded": "δ̃：{d} {what}补 0 填充",
    "The window at row {row}, column {column} (dashed): {sum} — {same}, = {total}.":
        "第 {row} 行、第 {column} 列的窗口（虚线框）：{sum}——{same}，= {total}。",
    "Forward (前向): the sums it enters": "前向：它参与的求和",
    "Backward (反向): the residual it collects": "反向：它收集到的残差",
    "The recipe (前一层残差计算方式): rotate, pad, correlate": "前一层残差计算方式：翻转、填充、互相关",
    "{w} multiplies one input in each of the {n} sums: ∂J/∂{w} correlates the input with the residual.":
        "{w} 在 {n} 个求和中各乘以一个输入：∂J/∂{w} 是输入与残差的互相关。",
    "b is added once to each of the {n} sums with coefficient 1: ∂J/∂b is the sum of the residual map.":
        "b 以系数 1 加到 {n} 个求和中的每一个：∂J/∂b 是残差图所有元素之和。",
    "Forward: {x} in every sum": "前向：{x} 出现在每个求和中",
    "Its gradient (卷积核的梯度)": "卷积核的梯度",
    "Its gradient (偏置值的梯度)": "偏置值的梯度",
    "{a} = {value} lies in no window: it takes no part in the forward pass and receives 0.":
        "{a} = {value} 不在任何窗口中：它不参与前向计算，收到 0。",
    "{a} = {value} lies in {n} windows": "{a} = {value} 位于 {n} 个窗口中",
    "{a} = {value} lies in 1 window": "{a} = {value} 位于 1 个窗口中",
    " and is the maximum of {outputs}.": "，是 {outputs} 的最大值。",
    ", and is the maximum of none: it receives 0.": "，但不是任何窗口的最大值：它收到 0。",
    "{a} lies in {n} windows; each gives it the share {share} of its residual.": "{a} 位于 {n} 个窗口中；每个窗口把自己残差的 {share} 分给它。",
    "{a} lies in 1 window; it gives it the share {share} of its residual.": "{a} 位于 1 个窗口中；该窗口把自己残差的 {share} 分给它。",
    "window of {z}": "{z} 的窗口",
    ": max {a} = {value}": "：最大值 {a} = {value}",
    "∂z/∂a is 1 at a window's maximum, 0 elsewhere": "∂z/∂a 在窗口最大值处为 1，其余位置为 0",
    "∂z/∂a = 1/(m·n) = {share} for every input of a window": "窗口中每个输入的 ∂z/∂a = 1/(m·n) = {share}",
    "{lhs} = Σ δ<sub>pq</sub> · ∂z<sub>pq</sub>/∂{a} over its windows ({why}) = ":
        "{lhs} = 对包含它的窗口求 Σ δ<sub>pq</sub> · ∂z<sub>pq</sub>/∂{a}（{why}）= ",
    "Max pooling (最大池化)": "最大池化",
    "Average pooling (平均池化)": "平均池化",
    "{what}: the windows that hold {a}": "{what}：包含 {a} 的窗口",
    "none": "无",
    "The residual it receives": "它收到的残差",
    "✎ The buttons work on this page. "
    "Typing your own example needs a live Python kernel: <b>Live Code</b> from the rocket button at the top of the page, "
    "Binder, or Jupyter.":
        "✎ 本页的按钮可以直接使用。输入你自己的例子需要运行中的 Python 内核：点击页面顶部火箭按钮中的 <b>Live Code</b>，"
        "或使用 Binder、Jupyter。",
    "✎ Live: type an example (rows separated by ';') and press Enter; every cell's view is recomputed.":
        "✎ 实时：输入一个例子（各行用 ';' 分隔）并按回车，每个单元格的视图都会重新计算。",
    "max pooling": "最大池化",
    "average pooling": "平均池化",
    "pooling": "池化",
    "Pick an input cell aᵤᵥ:": "选择一个输入单元 aᵤᵥ：",
    "Pick a kernel entry w or the bias b:": "选择一个卷积核元素 w 或偏置 b：",
    "the input a, rows separated by ';'": "输入 a，各行用 ';' 分隔",
    "the kernel w": "卷积核 w",
    "the residual δ = ∂J/∂z (reset to fit when z changes size)": "残差 δ = ∂J/∂z（z 的尺寸改变时会重置为匹配的大小）",
    "the stride": "步长",
    "show the paths of input {a} (row {row}, column {column})": "显示输入 {a}（第 {row} 行，第 {column} 列）的路径",
    "show the gradient of kernel entry {w}": "显示卷积核元素 {w} 的梯度",
    "show the gradient of the bias b": "显示偏置 b 的梯度",
    "δ (max)": "δ（最大池化）",
    "δ (avg)": "δ（平均池化）",
    "the pooling layer's input": "池化层的输入",
    "the residual reaching max pooling": "传到最大池化层的残差",
    "the residual reaching average pooling": "传到平均池化层的残差",
    "window size m = n": "窗口大小 m = n",
    "show the windows and residual of input {a} (row {row}, column {column})": "显示输入 {a}（第 {row} 行，第 {column} 列）所在的窗口和残差",
    # -- PoolingStepper -------------------------------------------------------------------------
    "{size}×{size}, stride {stride}": "{size}×{size}，步长 {stride}",
    " (overlapping)": "（重叠）",
    "max": "最大",
    "average": "平均",
    "max or average pooling": "最大池化或平均池化",
    "window size and stride": "窗口大小和步长",
    "δ (next)": "δ（后一层）",
    "size": "窗口大小",
    "pooling example": "池化的例子",
    "the pooling and window choices, the step slider and ▶ (each choice has its own steps)":
        "池化方式和窗口的选项、步骤滑块和 ▶（每个选项都有自己的步骤）",
    "The a, δ, size and stride boxes are": "a、δ、窗口大小和步长输入框",
    "{setting} does not fit this input: {error}": "{setting} 不适用于这个输入：{error}",
    "{mode} example": "{mode}的例子",
    "a<sup>(l−1)</sup>, the input": "a<sup>(l−1)</sup>，输入",
    "z, after {mode}": "z，{mode}之后",
    "Forward · window {k} of {n}": "前向 · 第 {k} 个窗口，共 {n} 个",
    "{d} = {value} goes back to the window's maximum, {a} = {a_value} (∂z/∂a = 1 there); the window's other cells get 0.":
        "{d} = {value} 传回窗口的最大值 {a} = {a_value}（那里 ∂z/∂a = 1）；窗口中其余单元得到 0。",
    "{d} = {value} is shared by the window's {n} cells: each gets {value} / {n} = {share}.":
        "{d} = {value} 由窗口的 {n} 个单元平分：每个得到 {value} / {n} = {share}。",
    " Windows overlap, so residuals add up: ": " 窗口有重叠，残差要累加：",
    "δ<sup>(l)</sup>, the next layer's residual": "δ<sup>(l)</sup>，后一层的残差",
    "∂J/∂a<sup>(l−1)</sup> so far": "目前为止的 ∂J/∂a<sup>(l−1)</sup>",
    "Backward · residual {k} of {n}": "反向 · 第 {k} 个残差，共 {n} 个",
    "its window's maximum": "所在窗口的最大值",
    "every cell of its window, divided by the window's size": "所在窗口的每个单元（除以窗口大小）",
    "Every residual went back to {how}. This is ∂J/∂a<sup>(l−1)</sup>; the residual of the layer before is "
    "δ<sup>(l−1)</sup> = ∂J/∂a<sup>(l−1)</sup> ⊙ σ′(z<sup>(l−1)</sup>).":
        "每个残差都传回了{how}。这就是 ∂J/∂a<sup>(l−1)</sup>；前一层的残差是 "
        "δ<sup>(l−1)</sup> = ∂J/∂a<sup>(l−1)</sup> ⊙ σ′(z<sup>(l−1)</sup>)。",
    " (Stride {stride} &lt; size {size}: windows overlap, as in AlexNet's 3×3 stride-2 pooling.)":
        "（步长 {stride} &lt; 窗口大小 {size}：窗口有重叠，就像 AlexNet 中 3×3、步长为 2 的池化。）",
    "Result": "结果",
}
