"""Functional API: grad, value_and_grad, vjp, jvp, jacobian, hessian."""

from __future__ import annotations
