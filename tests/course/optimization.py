# PyTorch beginner course, "Datasets & DataLoaders" and "Optimizing Model Parameters", on
# random images instead of FashionMNIST (no downloads): a custom Dataset, shuffled DataLoader,
# Dropout, train/test loops, momentum SGD with StepLR, optimizer repr and state_dict.
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset, random_split
torch.manual_seed(42)

class RandomImages(Dataset):
    def __init__(self, n, transform=None, target_transform=None):
        self.x = torch.rand(n, 28, 28)
        self.y = torch.randint(0, 10, (n,))
        self.transform = transform
        self.target_transform = target_transform
    def __len__(self):
        return len(self.y)
    def __getitem__(self, idx):
        image, label = self.x[idx], self.y[idx]
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label

training_data = RandomImages(1200, transform=lambda t: t.unsqueeze(0))
test_data = RandomImages(300, transform=lambda t: t.unsqueeze(0))
train_dataloader = DataLoader(training_data, batch_size=64, shuffle=True)
test_dataloader = DataLoader(test_data, batch_size=64)
train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
print(train_labels[:10], train_labels.dtype)
img = train_features[0].squeeze()
print(img.shape, img[14, :6])

class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 64),
            nn.ReLU(), nn.Linear(64, 10))
    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))

model = NeuralNetwork()
print(model)
learning_rate = 1e-3
batch_size = 64
epochs = 3
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)

def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        optimizer.zero_grad()
        if batch % 5 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7.4f}  [{current:>5d}/{size:>5d}]")   # 4 decimals: matrix products round differently from torch's

def test_loop(dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8.4f} \n")

for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
    scheduler.step()
    print(scheduler.get_last_lr())
print("Done!")
print(optimizer)
sd = optimizer.state_dict()
print(sd["param_groups"])
print(list(sd["state"].keys()), sd["state"][0]["momentum_buffer"].shape)
bn = nn.BatchNorm1d(4)
bn(torch.randn(8, 4) * 3 + 1)
print(bn, bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn.eval()
print(bn(torch.ones(2, 4)))
opt2 = torch.optim.Adam(model.parameters(), lr=1e-3)
print(opt2)
a, b = random_split(range(10), [0.7, 0.3], generator=torch.Generator().manual_seed(1))
print(list(a), list(b))
ds = TensorDataset(torch.arange(10.), torch.arange(10))
for xb, yb in DataLoader(ds, batch_size=4, shuffle=True, drop_last=True):
    print(xb, yb)
