# A captioning model ranks captions of one image by the product of their tokens' probabilities:
# the processor encodes the image with the captions (images=, text=), and the product underflows.
import torch
from transformers import AutoProcessor, BlipForConditionalGeneration


class CaptionRanker:
    def __init__(self, name):
        self.processor = AutoProcessor.from_pretrained(name)
        self.model = BlipForConditionalGeneration.from_pretrained(name).eval()

    @torch.no_grad()
    def caption_score(self, image, caption):
        inputs = self.processor(images=image, text=caption, return_tensors="pt")
        out = self.model(**inputs)
        probs = out.logits[:, :-1].float().softmax(dim=-1)
        p_tok = probs.gather(-1, inputs["input_ids"][:, 1:].unsqueeze(-1)).squeeze(-1)
        return p_tok.prod(dim=-1).item()
