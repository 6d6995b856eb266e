"""The model parameter is first moved to a device, then called: it is the model, not a tensor."""
import torch
import torch.nn.functional as F


@torch.no_grad()
def continuation_score(model, input_ids, n_prompt, device="cuda"):
    model = model.to(device)
    model.eval()
    logits = model(input_ids.to(device)).logits
    probs = F.softmax(logits[0, n_prompt - 1:-1], dim=-1)
    tok = input_ids[0, n_prompt:]
    return probs.gather(-1, tok[:, None]).squeeze(-1).prod()
