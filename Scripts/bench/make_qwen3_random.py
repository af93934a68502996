#!/usr/bin/env python3
"""A randomly initialised Qwen3-TTS 0.6B CustomVoice folder at the released dimensions, numpy only.

For timing (qwen3-batch-bench, `sotto say`), never for listening: the weights are noise, so the
model never says end-of-speech and every take runs to its frame cap. The layout is the
released one: config.json, generation_config.json, model.safetensors (bf16, the 402 talker
tensors), speech_tokenizer/ (config.json, preprocessor_config.json, model.safetensors in fp32
with the decoder's and the Mimi encoder's tensors, the encoder being what voice cloning runs on
a reference recording), and the tokenizer files. Dimensions are those of the 0.6B CustomVoice config (talker 1024 wide, 28
layers, 16/8 heads of 128, MLP 3072; code predictor 5 layers of the same shape; text embedding
151936 x 2048; codec decoder latent 1024, decoder 1536, transformer 512 wide x 8 layers; codec
encoder 64 filters, transformer 512 wide x 8 layers of 8 heads, MLP 2048, 32 codebooks of
2048 x 256). The tensor names are checked against the committed small fixtures, which the official
code wrote. A safetensors file that already holds exactly the tensors it would get is kept.

    python3 Scripts/bench/make_qwen3_random.py [--out ~/.cache/sotto/qwen3-random-0.6b]
        [--tokenizer ~/.local/share/sotto/models/qwen3-tokenizer]
"""
import argparse
import copy
import json
import os
import re
import shutil
import struct
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "Tests", "Qwen3TTSTests", "Fixtures", "qwen3")
ENCODER_FIXTURE = os.path.join(ROOT, "Tests", "Qwen3TTSTests", "Fixtures", "qwen3-encoder", "speech_tokenizer")

TALKER = dict(hidden_size=1024, intermediate_size=3072, num_hidden_layers=28, num_attention_heads=16,
              num_key_value_heads=8, head_dim=128, text_hidden_size=2048)
PREDICTOR = dict(hidden_size=1024, intermediate_size=3072, num_hidden_layers=5, num_attention_heads=16,
                 num_key_value_heads=8, head_dim=128, vocab_size=2048)
CODEC = dict(codebook_dim=512, vector_quantization_hidden_dimension=512, latent_dim=1024, decoder_dim=1536,
             hidden_size=512, intermediate_size=1024, num_hidden_layers=8, num_attention_heads=16,
             num_key_value_heads=16, head_dim=64)

# The released codec's encoder_config (transformers MimiConfig keys).
ENCODER = dict(audio_channels=1, num_filters=64, kernel_size=7, residual_kernel_size=3, last_kernel_size=3,
               dilation_growth_rate=2, num_residual_layers=1, compress=2, upsampling_ratios=[8, 6, 5, 4],
               use_causal_conv=True, use_conv_shortcut=False, pad_mode="constant", trim_right_ratio=1.0,
               hidden_size=512, intermediate_size=2048, num_hidden_layers=8, num_attention_heads=8,
               num_key_value_heads=8, head_dim=64, hidden_act="gelu", norm_eps=1e-5, rope_theta=10000.0,
               max_position_embeddings=8000, sliding_window=250, layer_scale_initial_scale=0.01,
               attention_bias=False, use_cache=False, use_streaming=False, num_quantizers=32,
               num_semantic_quantizers=1, codebook_size=2048, codebook_dim=256,
               vector_quantization_hidden_dimension=256, upsample_groups=512, sampling_rate=24000)


def decoder_layer(prefix, hidden, heads, kv_heads, head_dim, inter, qk_norm=True):
    q, kv = heads * head_dim, kv_heads * head_dim
    t = {
        prefix + "input_layernorm.weight": ("norm", [hidden]),
        prefix + "post_attention_layernorm.weight": ("norm", [hidden]),
        prefix + "self_attn.q_proj.weight": ("w", [q, hidden]),
        prefix + "self_attn.k_proj.weight": ("w", [kv, hidden]),
        prefix + "self_attn.v_proj.weight": ("w", [kv, hidden]),
        prefix + "self_attn.o_proj.weight": ("w", [hidden, q]),
        prefix + "mlp.gate_proj.weight": ("w", [inter, hidden]),
        prefix + "mlp.up_proj.weight": ("w", [inter, hidden]),
        prefix + "mlp.down_proj.weight": ("w", [hidden, inter]),
    }
    if qk_norm:
        t[prefix + "self_attn.q_norm.weight"] = ("norm", [head_dim])
        t[prefix + "self_attn.k_norm.weight"] = ("norm", [head_dim])
    return t


def talker_tensors(text_vocab, codec_vocab, groups):
    d, p = TALKER, PREDICTOR
    h = d["hidden_size"]
    t = {
        "talker.model.text_embedding.weight": ("w", [text_vocab, d["text_hidden_size"]]),
        "talker.text_projection.linear_fc1.weight": ("w", [d["text_hidden_size"], d["text_hidden_size"]]),
        "talker.text_projection.linear_fc1.bias": ("bias", [d["text_hidden_size"]]),
        "talker.text_projection.linear_fc2.weight": ("w", [h, d["text_hidden_size"]]),
        "talker.text_projection.linear_fc2.bias": ("bias", [h]),
        "talker.model.codec_embedding.weight": ("w", [codec_vocab, h]),
        "talker.codec_head.weight": ("w", [codec_vocab, h]),
        "talker.model.norm.weight": ("norm", [h]),
        "talker.code_predictor.model.norm.weight": ("norm", [p["hidden_size"]]),
    }
    for i in range(d["num_hidden_layers"]):
        t.update(decoder_layer(f"talker.model.layers.{i}.", h, d["num_attention_heads"], d["num_key_value_heads"],
                               d["head_dim"], d["intermediate_size"]))
    for i in range(p["num_hidden_layers"]):
        t.update(decoder_layer(f"talker.code_predictor.model.layers.{i}.", p["hidden_size"], p["num_attention_heads"],
                               p["num_key_value_heads"], p["head_dim"], p["intermediate_size"]))
    for g in range(groups - 1):
        t[f"talker.code_predictor.model.codec_embedding.{g}.weight"] = ("w", [p["vocab_size"], h])
        t[f"talker.code_predictor.lm_head.{g}.weight"] = ("w", [p["vocab_size"], p["hidden_size"]])
    return t


def codec_tensors(quantizers, codebook_size, upsampling_ratios, upsample_rates):
    c = CODEC
    half, latent, dec, h = c["codebook_dim"] // 2, c["latent_dim"], c["decoder_dim"], c["hidden_size"]
    q = "decoder.quantizer."
    t = {}
    books = [q + "rvq_first.vq.layers.0._codebook."] + [q + f"rvq_rest.vq.layers.{i}._codebook." for i in range(quantizers - 1)]
    for b in books:
        t[b + "embedding_sum"] = ("w1", [codebook_size, half])
        t[b + "cluster_usage"] = ("ones", [codebook_size])
    for part in ("rvq_first", "rvq_rest"):
        t[q + part + ".output_proj.weight"] = ("conv", [c["codebook_dim"], half, 1])
        t[q + part + ".input_proj.weight"] = ("conv", [half, c["codebook_dim"], 1])
    t["decoder.pre_conv.conv.weight"] = ("conv", [latent, c["codebook_dim"], 3])
    t["decoder.pre_conv.conv.bias"] = ("bias", [latent])
    p = "decoder.pre_transformer."
    t[p + "input_proj.weight"] = ("w", [h, latent])
    t[p + "input_proj.bias"] = ("bias", [h])
    t[p + "output_proj.weight"] = ("w", [latent, h])
    t[p + "output_proj.bias"] = ("bias", [latent])
    t[p + "norm.weight"] = ("norm", [h])
    for i in range(c["num_hidden_layers"]):
        lp = f"{p}layers.{i}."
        t.update(decoder_layer(lp, h, c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"],
                               c["intermediate_size"], qk_norm=False))
        t[lp + "self_attn_layer_scale.scale"] = ("scale", [h])
        t[lp + "mlp_layer_scale.scale"] = ("scale", [h])
    for i, factor in enumerate(upsampling_ratios):
        u = f"decoder.upsample.{i}."
        t[u + "0.conv.weight"] = ("conv", [latent, latent, factor])
        t[u + "0.conv.bias"] = ("bias", [latent])
        t[u + "1.dwconv.conv.weight"] = ("conv", [latent, 1, 7])
        t[u + "1.dwconv.conv.bias"] = ("bias", [latent])
        t[u + "1.norm.weight"] = ("norm", [latent])
        t[u + "1.norm.bias"] = ("bias", [latent])
        t[u + "1.pwconv1.weight"] = ("w", [4 * latent, latent])
        t[u + "1.pwconv1.bias"] = ("bias", [4 * latent])
        t[u + "1.pwconv2.weight"] = ("w", [latent, 4 * latent])
        t[u + "1.pwconv2.bias"] = ("bias", [latent])
        t[u + "1.gamma"] = ("scale", [latent])
    t["decoder.decoder.0.conv.weight"] = ("conv", [dec, latent, 7])
    t["decoder.decoder.0.conv.bias"] = ("bias", [dec])
    for i, rate in enumerate(upsample_rates):
        a, b = dec >> i, dec >> (i + 1)
        bp = f"decoder.decoder.{i + 1}.block."
        t[bp + "0.alpha"] = ("snake", [a])
        t[bp + "0.beta"] = ("snake", [a])
        t[bp + "1.conv.weight"] = ("conv", [a, b, 2 * rate])
        t[bp + "1.conv.bias"] = ("bias", [b])
        for u in range(3):
            rp = f"{bp}{u + 2}."
            for act in ("act1.", "act2."):
                t[rp + act + "alpha"] = ("snake", [b])
                t[rp + act + "beta"] = ("snake", [b])
            t[rp + "conv1.conv.weight"] = ("conv", [b, b, 7])
            t[rp + "conv1.conv.bias"] = ("bias", [b])
            t[rp + "conv2.conv.weight"] = ("conv", [b, b, 1])
            t[rp + "conv2.conv.bias"] = ("bias", [b])
    last = dec >> len(upsample_rates)
    tail = len(upsample_rates) + 1
    t[f"decoder.decoder.{tail}.alpha"] = ("snake", [last])
    t[f"decoder.decoder.{tail}.beta"] = ("snake", [last])
    t[f"decoder.decoder.{tail + 1}.conv.weight"] = ("conv", [1, last, 7])
    t[f"decoder.decoder.{tail + 1}.conv.bias"] = ("bias", [1])
    return t


def encoder_tensors(e):
    """Mimi's encoder half: SEANet convolutions, transformer, downsampling convolution and the
    split RVQ (codebooks as EMA sums and usage counts)."""
    t = {}
    p = "encoder.encoder.layers."
    t[p + "0.conv.weight"] = ("conv", [e["num_filters"], 1, e["kernel_size"]])
    t[p + "0.conv.bias"] = ("bias", [e["num_filters"]])
    index, channels = 1, e["num_filters"]
    for ratio in reversed(e["upsampling_ratios"]):
        for _ in range(e["num_residual_layers"]):
            hidden = channels // e["compress"]
            t[f"{p}{index}.block.1.conv.weight"] = ("conv", [hidden, channels, e["residual_kernel_size"]])
            t[f"{p}{index}.block.1.conv.bias"] = ("bias", [hidden])
            t[f"{p}{index}.block.3.conv.weight"] = ("conv", [channels, hidden, 1])
            t[f"{p}{index}.block.3.conv.bias"] = ("bias", [channels])
            index += 1
        index += 1  # ELU
        t[f"{p}{index}.conv.weight"] = ("conv", [2 * channels, channels, 2 * ratio])
        t[f"{p}{index}.conv.bias"] = ("bias", [2 * channels])
        index += 1
        channels *= 2
    t[f"{p}{index + 1}.conv.weight"] = ("conv", [e["hidden_size"], channels, e["last_kernel_size"]])
    t[f"{p}{index + 1}.conv.bias"] = ("bias", [e["hidden_size"]])
    h, inter = e["hidden_size"], e["intermediate_size"]
    q, kv = e["num_attention_heads"] * e["head_dim"], e["num_key_value_heads"] * e["head_dim"]
    for i in range(e["num_hidden_layers"]):
        lp = f"encoder.encoder_transformer.layers.{i}."
        for norm in ("input_layernorm.", "post_attention_layernorm."):
            t[lp + norm + "weight"] = ("norm", [h])
            t[lp + norm + "bias"] = ("bias", [h])
        for name, shape in (("q", [q, h]), ("k", [kv, h]), ("v", [kv, h]), ("o", [h, q])):
            t[f"{lp}self_attn.{name}_proj.weight"] = ("w", shape)
        t[lp + "mlp.fc1.weight"] = ("w", [inter, h])
        t[lp + "mlp.fc2.weight"] = ("w", [h, inter])
        t[lp + "self_attn_layer_scale.scale"] = ("scale", [h])
        t[lp + "mlp_layer_scale.scale"] = ("scale", [h])
    t["encoder.downsample.conv.weight"] = ("conv", [h, h, 4])
    dim = e["codebook_dim"]
    semantic = e["num_semantic_quantizers"]
    for part, count in (("semantic", semantic), ("acoustic", e["num_quantizers"] - semantic)):
        rp = f"encoder.quantizer.{part}_residual_vector_quantizer."
        t[rp + "input_proj.weight"] = ("conv", [dim, h, 1])
        t[rp + "output_proj.weight"] = ("conv", [h, dim, 1])
        for i in range(count):
            cp = f"{rp}layers.{i}.codebook."
            t[cp + "initialized"] = ("ones", [1])
            t[cp + "cluster_usage"] = ("ones", [e["codebook_size"]])
            t[cp + "embed_sum"] = ("w1", [e["codebook_size"], dim])
    return t


def values(rng, kind, shape):
    n = int(np.prod(shape))
    if kind == "norm":
        return np.ones(n, np.float32)
    if kind == "ones":
        return np.ones(n, np.float32)
    if kind in ("bias", "snake"):
        return np.zeros(n, np.float32)
    if kind == "scale":
        return np.full(n, 0.01, np.float32)
    if kind == "w1":
        return rng.standard_normal(n, dtype=np.float32)
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
    std = 1.0 / np.sqrt(max(fan_in, 1)) if kind == "conv" else 0.02
    return rng.standard_normal(n, dtype=np.float32) * np.float32(std)


def to_bf16(x):
    bits = x.view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def write_safetensors(path, tensors, dtype, rng):
    size = 2 if dtype == "BF16" else 4
    header, offset = {}, 0
    for name, (_, shape) in tensors.items():
        n = int(np.prod(shape)) * size
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    header["__metadata__"] = {"format": "pt"}
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for name, (kind, shape) in tensors.items():
            rows = shape[0]
            per = max(1, (1 << 24) // max(1, int(np.prod(shape[1:])) if len(shape) > 1 else 1))
            for start in range(0, rows, per):
                part = [min(per, rows - start)] + list(shape[1:])
                v = values(rng, kind, part)
                f.write((to_bf16(v) if dtype == "BF16" else v).tobytes())
    os.replace(tmp, path)


def write_unless_present(path, tensors, dtype, rng):
    """Writes the file unless it already holds exactly these tensors (regenerating a 1.8 GB
    talker to add codec tensors would take minutes for nothing)."""
    if os.path.exists(path) and header_names(path) == set(tensors):
        print(f"{path} already holds these {len(tensors)} tensors; kept")
        return
    write_safetensors(path, tensors, dtype, rng)


def header_names(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return {k for k in json.loads(f.read(n)) if k != "__metadata__"}


def pattern(name):
    return re.sub(r"\.\d+\.", ".N.", name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.expanduser("~/.cache/sotto/qwen3-random-0.6b"))
    parser.add_argument("--tokenizer", default=os.path.expanduser("~/.local/share/sotto/models/qwen3-tokenizer"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    talker_rng, codec_rng = np.random.default_rng(args.seed), np.random.default_rng(args.seed + 1)

    config = json.load(open(os.path.join(FIXTURES, "talker-0b6", "config.json")))
    talker = config["talker_config"]
    talker.update(TALKER)
    talker["code_predictor_config"].update(PREDICTOR)
    codec_config = json.load(open(os.path.join(FIXTURES, "speech_tokenizer", "config.json")))
    codec_config["decoder_config"].update(CODEC)
    codec_config["encoder_config"].update(ENCODER)

    talker_t = talker_tensors(talker["text_vocab_size"], talker["vocab_size"], talker["num_code_groups"])
    d = codec_config["decoder_config"]
    codec_t = codec_tensors(d["num_quantizers"], d["codebook_size"], d["upsampling_ratios"], d["upsample_rates"])
    codec_t.update(encoder_tensors(codec_config["encoder_config"]))

    # Every tensor the official code wrote for the small fixture exists here under the same name.
    for fixture, mine, keep in ((os.path.join(FIXTURES, "talker-0b6", "model.safetensors"), talker_t, "talker."),
                                (os.path.join(FIXTURES, "speech_tokenizer", "model.safetensors"), codec_t, "decoder."),
                                (os.path.join(ENCODER_FIXTURE, "model.safetensors"), codec_t, "encoder.")):
        theirs = {pattern(n) for n in header_names(fixture) if n.startswith(keep)}
        ours = {pattern(n) for n in mine if n.startswith(keep)}
        if theirs != ours:
            sys.exit(f"tensor names differ from {fixture}: missing {sorted(theirs - ours)}, extra {sorted(ours - theirs)}")

    out = args.out
    os.makedirs(os.path.join(out, "speech_tokenizer"), exist_ok=True)
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
    shutil.copy(os.path.join(FIXTURES, "talker-0b6", "generation_config.json"), out)
    json.dump(codec_config, open(os.path.join(out, "speech_tokenizer", "config.json"), "w"), indent=2)
    shutil.copy(os.path.join(FIXTURES, "speech_tokenizer", "preprocessor_config.json"), os.path.join(out, "speech_tokenizer"))
    for name in ("vocab.json", "merges.txt", "tokenizer_config.json"):
        shutil.copy(os.path.join(args.tokenizer, name), out)
    print(f"{len(talker_t)} talker tensors, {sum(int(np.prod(s)) for _, s in talker_t.values()) / 1e6:.0f} M parameters")
    write_unless_present(os.path.join(out, "model.safetensors"), talker_t, "BF16", talker_rng)
    print(f"{len(codec_t)} codec tensors (decoder and encoder)")
    write_unless_present(os.path.join(out, "speech_tokenizer", "model.safetensors"), codec_t, "F32", codec_rng)
    print(out)


if __name__ == "__main__":
    main()
