# A NumPy LSTM scored one step at a time: its softmax helper normalises over the whole vector it
# is given (np.max(y), e.sum() with no axis), one step's logits. Run on every position's logits
# at once it would normalise across positions, which the script never does: no such numbers are
# reported, and the fallback's recipe is float64, as NumPy's arrays are.
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax(y):
    e = np.exp(y - np.max(y))
    return e / e.sum()


class CharLSTM:
    def __init__(self, params):
        self.Wx, self.Wh, self.b, self.Wy, self.by = params
        self.H = self.Wh.shape[1]

    def step(self, x_id, h, c):
        x = np.zeros(self.Wx.shape[1])
        x[x_id] = 1.0
        z = self.Wx @ x + self.Wh @ h + self.b
        H = self.H
        i = sigmoid(z[:H])
        f = sigmoid(z[H:2 * H])
        o = sigmoid(z[2 * H:3 * H])
        g = np.tanh(z[3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        y = self.Wy @ h + self.by
        return y, h, c

    def sequence_logprob(self, ids):
        h = np.zeros(self.H)
        c = np.zeros(self.H)
        total = 0.0
        for t in range(len(ids) - 1):
            y, h, c = self.step(ids[t], h, c)
            p = softmax(y)
            total += np.log(p[ids[t + 1]])
        return total
